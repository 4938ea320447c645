"""hellotg: a PasteDeploy app that behaves like a TurboGears 2 app where it matters
for deployment: loaded with `use = egg:hellotg`, configured from production.ini,
static files under hellotg/public/, and slow lazy initialisation on the first
request (like a framework compiling templates and opening pools)."""
import json
import logging
import os
import threading
import time

log = logging.getLogger('hellotg')


class HelloApp:
    def __init__(self, settings):
        self.settings = settings
        self.slow_start = float(settings.get('slow_start', '0'))
        self.greeting = settings.get('greeting', 'Hello from hellotg')
        self.lock = threading.Lock()
        self.ready = False
        self.first_request = None
        self.requests = 0

    def _lazy_init(self, environ):
        with self.lock:
            if not self.ready:
                started = time.monotonic()
                time.sleep(self.slow_start)
                self.first_request = {
                    'path': environ.get('PATH_INFO', ''),
                    'warmup': bool(environ.get('tgdeploy.warmup')),
                    'init_seconds': round(time.monotonic() - started, 3),
                }
                self.ready = True
                log.info('hellotg initialised on %s', self.first_request)

    def __call__(self, environ, start_response):
        if not self.ready:
            self._lazy_init(environ)
        self.requests += 1
        path = environ.get('PATH_INFO', '') or '/'
        if path == '/':
            body, ctype, status = (self.greeting + '\n').encode('utf-8'), 'text/plain; charset=utf-8', '200 OK'
        elif path == '/_status':
            body = json.dumps({
                'pid': os.getpid(), 'requests': self.requests, 'first_request': self.first_request,
                'script_name': environ.get('SCRIPT_NAME', ''), 'debug': self.settings.get('debug'),
            }).encode('utf-8')
            ctype, status = 'application/json', '200 OK'
        else:
            body, ctype, status = b'not found\n', 'text/plain', '404 Not Found'
        start_response(status, [('Content-Type', ctype), ('Content-Length', str(len(body)))])
        return [body]


def make_app(global_conf, **settings):
    """paste.app_factory entry point: global_conf is [DEFAULT], settings the app section."""
    merged = dict(global_conf)
    merged.update(settings)
    return HelloApp(merged)
