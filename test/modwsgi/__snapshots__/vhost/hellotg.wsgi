# hellotg.wsgi: the mod_wsgi entry point of hellotg, written by tgdeploy.
# mod_wsgi runs it with the Python of python-home (the empty baseline virtualenv).
import os
import sys

APP_VENV = "/usr/local/pythonenv/hellotg"
CONFIG_FILE = "/srv/hellotg/production.ini"
APP_NAME = "main"
DEPLOY_DIR = "/srv/hellotg"

# Eggs that need unpacking go to a directory the daemon user can write.
os.environ['PYTHON_EGG_CACHE'] = "/usr/local/pythonenv/hellotg/python-eggs"


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

activate_virtualenv(APP_VENV)
if DEPLOY_DIR not in sys.path:
    sys.path.append(DEPLOY_DIR)


def setup_logging(config_file):
    """Like pyramid.paster.setup_logging: here/__file__ defaults, existing loggers kept."""
    import configparser
    import logging.config
    parser = configparser.ConfigParser()
    parser.read(config_file, encoding='utf-8')
    if parser.has_section('loggers'):
        logging.config.fileConfig(
            config_file,
            {'here': os.path.dirname(config_file), '__file__': config_file},
            disable_existing_loggers=False)


setup_logging(CONFIG_FILE)

from paste.deploy import loadapp  # noqa: E402

application = loadapp('config:' + CONFIG_FILE, name=APP_NAME)


def warm_up(app, paths):
    """Request each path in-process at daemon start, so lazy first-request work is
    done before a visitor comes. Logged to Apache's error log; never raises."""
    import io
    import time
    from wsgiref.util import setup_testing_defaults
    for target in paths:
        path_info, _, query = target.partition('?')
        environ = {
            'REQUEST_METHOD': 'GET', 'SCRIPT_NAME': "/app",
            'PATH_INFO': path_info, 'QUERY_STRING': query,
            'SERVER_NAME': "hello.example.com", 'HTTP_HOST': "hello.example.com", 'SERVER_PORT': "80",
            'wsgi.input': io.BytesIO(), 'wsgi.errors': sys.stderr, 'tgdeploy.warmup': True,
        }
        setup_testing_defaults(environ)
        status = []
        started = time.monotonic()
        try:
            result = app(environ, lambda s, headers, exc_info=None: status.append(s) or (lambda data: None))
            try:
                for _ in result:
                    pass
            finally:
                if hasattr(result, 'close'):
                    result.close()
            outcome = status[0] if status else 'no status'
        except Exception as error:  # a warm-up must never stop the app from loading
            outcome = 'failed: %s: %s' % (type(error).__name__, error)
        sys.stderr.write('tgdeploy warm-up: GET %s -> %s in %.0f ms (pid %d)\n'
                         % (target, outcome, (time.monotonic() - started) * 1000, os.getpid()))
        sys.stderr.flush()


warm_up(application, ["/"])
