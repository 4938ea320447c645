# test.wsgi: smoke check for the hellotg deployment, written by tgdeploy.
# Open /app/_tgdeploy_check (add ?format=json for JSON) before switching the app on:
# it proves that mod_wsgi runs the right Python, that the application's virtualenv
# comes first on sys.path, and that the egg cache and the ini are usable.
import json
import os
import sys

APP_VENV = "/usr/local/pythonenv/hellotg"
CONFIG_FILE = "/srv/hellotg/production.ini"
DISTRIBUTION = "hellotg"
EGG_CACHE = "/usr/local/pythonenv/hellotg/python-eggs"
EXPECTED_PROCESS_GROUP = "hellotg"

os.environ['PYTHON_EGG_CACHE'] = EGG_CACHE


def _read_pyvenv_cfg(venv):
    """The key = value lines of the virtualenv's pyvenv.cfg, lower-cased keys."""
    values = {}
    try:
        with open(os.path.join(venv, 'pyvenv.cfg'), encoding='utf-8') as cfg:
            for line in cfg:
                key, sep, value = line.partition('=')
                if sep:
                    values[key.strip().lower()] = value.strip()
    except OSError:
        pass
    return values


def activate_virtualenv(venv):
    """Put the virtualenv's site-packages (and the .pth entries in it) at the FRONT
    of sys.path. site.addsitedir() alone appends, and ignores the virtualenv's
    include-system-site-packages: both are handled here. Safe to call twice."""
    import site
    site_packages = os.path.join(venv, 'lib', 'python%d.%d' % sys.version_info[:2], 'site-packages')
    if not os.path.isdir(venv):
        raise RuntimeError('%s does not exist: make it with tgdeploy venv' % venv)
    if not os.path.isdir(site_packages):
        raise RuntimeError(
            '%s does not exist: the virtualenv %s was not made with Python %d.%d, '
            'the Python mod_wsgi runs (tgdeploy venv makes it with the right one)'
            % (site_packages, venv, sys.version_info[0], sys.version_info[1]))
    wanted = [site_packages]
    if _read_pyvenv_cfg(venv).get('include-system-site-packages', '').lower() == 'true':
        wanted += site.getsitepackages([sys.base_prefix])
    before = list(sys.path)
    for directory in wanted:
        if os.path.isdir(directory):
            site.addsitedir(directory)
    front = [p for p in sys.path if p not in before]
    front += [d for d in wanted if d in before and d not in front]
    front.sort(key=lambda p: p != site_packages)
    sys.path[:] = front + [p for p in before if p not in front]
    return site_packages

try:
    SITE_PACKAGES = activate_virtualenv(APP_VENV)
    ACTIVATION_ERROR = None
except Exception as error:
    SITE_PACKAGES = None
    ACTIVATION_ERROR = '%s: %s' % (type(error).__name__, error)


def report(environ):
    import importlib.metadata
    checks = {}
    try:
        import mod_wsgi
        mod_wsgi_version = '.'.join(str(part) for part in mod_wsgi.version)
    except Exception:
        mod_wsgi_version = None
    checks['venv_first_on_sys_path'] = SITE_PACKAGES is not None and sys.path[:1] == [SITE_PACKAGES]
    checks['daemon_mode'] = environ.get('mod_wsgi.process_group') == EXPECTED_PROCESS_GROUP
    checks['egg_cache_writable'] = os.path.isdir(EGG_CACHE) and os.access(EGG_CACHE, os.W_OK | os.X_OK)
    checks['config_readable'] = os.access(CONFIG_FILE, os.R_OK)
    try:
        dist = importlib.metadata.distribution(DISTRIBUTION)
        distribution = {'name': DISTRIBUTION, 'version': dist.version, 'location': str(dist.locate_file(''))}
        checks['distribution_importable'] = True
    except Exception as error:
        distribution = {'name': DISTRIBUTION, 'error': '%s: %s' % (type(error).__name__, error)}
        checks['distribution_importable'] = False
    try:
        import paste.deploy
        checks['paste_deploy_importable'] = True
    except Exception:
        checks['paste_deploy_importable'] = False
    return {
        'ok': all(checks.values()) and ACTIVATION_ERROR is None,
        'checks': checks,
        'activation_error': ACTIVATION_ERROR,
        'python': sys.version.split()[0],
        'executable': sys.executable,
        'prefix': sys.prefix,
        'base_prefix': sys.base_prefix,
        'app_venv_site_packages': SITE_PACKAGES,
        'sys_path': list(sys.path),
        'mod_wsgi_version': mod_wsgi_version,
        'process_group': environ.get('mod_wsgi.process_group'),
        'application_group': environ.get('mod_wsgi.application_group'),
        'pid': os.getpid(),
        'egg_cache': EGG_CACHE,
        'config_file': CONFIG_FILE,
        'distribution': distribution,
    }


def as_text(info):
    lines = ['tgdeploy smoke check: %s' % ('OK' if info['ok'] else 'PROBLEMS FOUND'), '']
    for name, passed in info['checks'].items():
        lines.append('  [%s] %s' % ('ok' if passed else 'FAIL', name))
    if info['activation_error']:
        lines.append('  activation error: %s' % info['activation_error'])
    lines.append('')
    for key in ('python', 'executable', 'prefix', 'base_prefix', 'mod_wsgi_version', 'process_group',
                'application_group', 'pid', 'egg_cache', 'config_file', 'distribution'):
        lines.append('%s: %s' % (key, info[key]))
    lines.append('sys.path:')
    lines.extend('  %s' % entry for entry in info['sys_path'])
    return '\n'.join(lines) + '\n'


def application(environ, start_response):
    info = report(environ)
    if 'format=json' in environ.get('QUERY_STRING', ''):
        body, content_type = json.dumps(info, indent=1).encode('utf-8'), 'application/json'
    else:
        body, content_type = as_text(info).encode('utf-8'), 'text/plain; charset=utf-8'
    start_response('200 OK' if info['ok'] else '500 Internal Server Error',
                   [('Content-Type', content_type), ('Content-Length', str(len(body))),
                    ('Cache-Control', 'no-store')])
    return [body]
