#!/usr/bin/python3
"""How Python's PasteDeploy reads .ini files, in the shape of `tgdeploy inspect --json`.

Usage: ini_oracle.py FILE...   (prints one JSON object: {FILE: RESULT})

RESULT is {"rejected": {"type": EXC, "line": N}} for a file ConfigParser refuses, else
{"file", "sections", "main"} where main is {"error": ...} or {"section", "use", "egg",
"entryPoint", "config"}. It runs the real paste.deploy.loadwsgi (Debian's
python3-pastedeploy) with egg:/call: loading stubbed, so nothing is imported.
"""
import configparser
import json
import os
import re
import sys
import types

from paste.deploy import loadwsgi

EGG_NAME_RE = re.compile(r'^\s*([A-Za-z0-9][A-Za-z0-9._-]*)')


class Stub:
    def __init__(self, scheme, spec, entry_point):
        self.ref = (scheme, spec, entry_point)


def install_stubs():
    def stub_context(scheme, spec, object_type, name, global_conf):
        if loadwsgi._Loader().absolute_name(name):
            return loadwsgi.loadcontext(object_type, name, global_conf=global_conf)
        return loadwsgi.LoaderContext(Stub(scheme, spec, name), object_type, None,
                                      global_conf or {}, {}, None)

    def egg(object_type, uri, spec, name, relative_to, global_conf):
        return stub_context('egg', spec, object_type, name, global_conf)

    def call(object_type, uri, spec, name, relative_to, global_conf):
        if ':' not in spec:
            raise LookupError('Configuration not in format module:function')
        ctx = stub_context('call', spec, object_type, name, global_conf)
        ctx.object = Stub('call', spec, None)
        return ctx

    loadwsgi._loaders['egg'] = egg
    loadwsgi._loaders['call'] = call
    loadwsgi.importlib_metadata = types.SimpleNamespace(
        EntryPoint=lambda name, group, value: types.SimpleNamespace(load=lambda: Stub('factory', value, None)),
        distribution=lambda spec: None)

    original = loadwsgi.ConfigLoader.get_context

    def get_context(self, object_type, name=None, global_conf=None):
        ctx = original(self, object_type, name, global_conf)
        if not self.absolute_name(name):
            rec = (self.parser, self.find_config_section(object_type, name=name))
            ctx.__dict__.setdefault('sections', []).append(rec)
            if ctx.object_type is loadwsgi.FILTER_WITH:
                ctx.next_context.__dict__.setdefault('sections', []).append(rec)
        return ctx

    loadwsgi.ConfigLoader.get_context = get_context


def line_of_byte(path, offset):
    with open(path, 'rb') as f:
        return f.read()[:offset].count(b'\n') + 1


def rejection(path, e):
    if isinstance(e, configparser.ParsingError) and not isinstance(e, configparser.MissingSectionHeaderError):
        line = e.errors[0][0]
    elif isinstance(e, UnicodeDecodeError):
        line = line_of_byte(path, e.start)
    else:
        line = e.lineno
    return {'rejected': {'type': type(e).__name__, 'line': line}}


def value_or_error(parser, section, key):
    try:
        return parser.get(section, key)
    except Exception as e:
        return {'error': type(e).__name__}


def main_app(path):
    loader = loadwsgi.ConfigLoader(path)
    ctx = loader.get_context(loadwsgi.APP)
    while ctx.object_type in (loadwsgi.PIPELINE, loadwsgi.FILTER_WITH, loadwsgi.FILTER_APP):
        ctx = ctx.app_context if ctx.object_type is loadwsgi.PIPELINE else ctx.next_context
    sections = ctx.__dict__.get('sections', [])
    use = None
    for parser, section in reversed(sections):
        if parser.has_option(section, 'use'):
            use = parser.get(section, 'use')
            break
    ref = getattr(ctx.object, 'ref', None)
    egg = entry_point = None
    if ref and ref[0] == 'egg':
        m = EGG_NAME_RE.match(ref[1])
        egg = m.group(1) if m else None
    if ref and ref[0] in ('egg', 'call'):
        entry_point = ref[2]
    return {'section': sections[-1][1] if sections else '', 'use': use, 'egg': egg,
            'entryPoint': entry_point, 'config': dict(ctx.global_conf, **ctx.local_conf)}


def read(path):
    path = os.path.abspath(path)
    parser = loadwsgi.NicerConfigParser(path, defaults={
        'here': os.path.dirname(path), '__file__': path})
    parser.optionxform = str
    try:
        with open(path) as f:
            parser.read_file(f)
    except (configparser.Error, UnicodeDecodeError) as e:
        return rejection(path, e)
    sections = {'DEFAULT': {}}
    for key, raw in parser._defaults.items():
        value = value_or_error(parser, 'DEFAULT', key)
        sections['DEFAULT'][key] = value or raw
    for section in parser.sections():
        sections[section] = {k: value_or_error(parser, section, k) for k in parser._sections[section]}
    try:
        main = main_app(path)
    except Exception as e:
        main = {'error': f'{type(e).__name__}: {e}'}
    return {'file': path, 'sections': sections, 'main': main}


if __name__ == '__main__':
    install_stubs()
    sys.setrecursionlimit(400)
    json.dump({f: read(f) for f in sys.argv[1:]}, sys.stdout, ensure_ascii=False)
