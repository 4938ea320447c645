/**
 * mod_wsgi itself and the virtualenvs it runs: is the module there and loaded,
 * does its libpython resolve, were the venvs made with that same Python?
 */
import {existsSync, statSync} from 'node:fs'
import * as path from 'node:path'

import {directives, is} from '../../apache/config.js'
import {wsgiEnabled} from '../../apache/system.js'
import {installHint} from '../../python/modwsgi-python.js'
import {madeWith, venvState} from '../../venv/index.js'
import type {Check, DoctorContext, Finding} from '../types.js'

export const moduleCheck: Check = {
  name: 'mod-wsgi',
  title: 'mod_wsgi is installed, loaded, and its libpython resolves',
  run(ctx) {
    const m = ctx.modWsgi
    if (!m) {
      return [{id: 'mod-wsgi-missing', severity: 'error', message: 'mod_wsgi is not installed: no mod_wsgi*.so in the Apache module directories', fix: installHint()}]
    }
    const findings: Finding[] = []
    const loadedBySite = [...directives(ctx.site.tree)].some(({directive}) => is(directive, 'LoadModule') && directive.args[0] === 'wsgi_module')
    if (ctx.install.root && !loadedBySite && !wsgiEnabled(ctx.install)) {
      findings.push({
        id: 'mod-wsgi-not-enabled', severity: 'error',
        message: `${m.module} is installed but Apache (${ctx.install.root}) does not load it: every WSGI directive is an "Invalid command"`,
        fix: ctx.install.debianLayout ? 'a2enmod wsgi && systemctl restart apache2' : `add "LoadModule wsgi_module ${m.module}" to ${path.join(ctx.install.root, 'conf.modules.d', '10-wsgi.conf')} and restart httpd`,
      })
    }
    if (m.libpythonName && !m.libpythonPath) {
      findings.push({
        id: 'libpython-not-found', severity: 'error',
        message: `${m.module} needs ${m.libpythonName}, which the dynamic loader cannot find (ldd: "not found"): Apache fails to load the module`,
        fix: 'install the Python mod_wsgi was built for, or add its lib directory to /etc/ld.so.conf.d/ and run ldconfig; a self-built mod_wsgi must be rebuilt against a Python configured with --enable-shared (LD_RUN_PATH=<prefix>/lib), or add "LoadFile /path/to/libpythonX.Y.so" before LoadModule',
        where: m.module,
      })
    }
    return findings
  },
}

const PACKAGING = /^(pip|setuptools|wheel|pkg_resources|_distutils_hack)([-.].*)?$/

/** Where the venv root probably is when python-home names something inside it. */
function venvRootOf(p: string): string | null {
  let dir = existsSync(p) && !statSync(p).isDirectory() ? path.dirname(p) : p
  for (let i = 0; i < 5 && dir !== '/'; i++) {
    if (existsSync(path.join(dir, 'pyvenv.cfg'))) return dir
    dir = path.dirname(dir)
  }
  return null
}

function checkVenv(ctx: DoctorContext, venv: string, role: string, where: string, isHome: boolean): Finding[] {
  const python = ctx.modWsgi?.python ?? null
  if (!existsSync(venv)) {
    return [{
      id: isHome ? 'python-home-missing' : 'app-venv-missing', severity: 'error',
      message: isHome ? `${role} ${venv} does not exist: mod_wsgi logs "Unable to stat Python home" and requests hang until they time out` : `${role} ${venv} does not exist: the app cannot import its packages`,
      fix: `tgdeploy venv --venv-root ${path.dirname(venv)} ${isHome ? `--baseline ${path.basename(venv)}` : `--venv ${path.basename(venv)} --install`}`,
      where,
    }]
  }
  const state = venvState(venv)
  if (!state.isVenv) {
    const root = venvRootOf(venv)
    const base = python ? path.resolve(python.basePrefix) : null
    // python-home may also be a real Python installation prefix (mod_wsgi's own)
    if (isHome && base && path.resolve(venv) === base) return []
    return [{
      id: isHome ? 'python-home-not-venv' : 'app-venv-missing', severity: 'error',
      message: `${role} ${venv} is not the root of a virtualenv (no pyvenv.cfg)${root ? `: it is inside the virtualenv ${root}` : ''}`,
      fix: root ? (isHome ? `write python-home=${root}` : `point APP_VENV at ${root}`) : `tgdeploy venv --venv-root ${path.dirname(venv)}`,
      where,
    }]
  }
  const findings: Finding[] = []
  if (python && !madeWith(state, python)) {
    findings.push({
      id: 'venv-wrong-python', severity: 'error',
      message: `${role} ${venv} was made with Python ${state.version ?? '?'} (${state.executable ?? '?'}), but mod_wsgi runs Python ${python.version} (${python.executable}): imports fail ("No module named 'encodings'") or work by luck`,
      fix: `re-create it with mod_wsgi's Python: tgdeploy venv --venv-root ${path.dirname(venv)} --recreate (or ${python.executable} -m venv ${venv})`,
      where,
    })
  }
  if (isHome) {
    const extra = state.packages.filter((p) => !PACKAGING.test(p))
    if (extra.length) {
      findings.push({
        id: 'baseline-not-empty', severity: 'warning',
        message: `${role} ${venv} is not empty (${extra.slice(0, 5).join(', ')}${extra.length > 5 ? ', ...' : ''}): its packages leak into the app and shadow the app virtualenv's versions`,
        fix: `keep python-home an empty baseline: remove them (${path.join(venv, 'bin', 'python')} -m pip uninstall ...) or re-create it with tgdeploy venv --recreate; install packages into the application virtualenv`,
        where,
      })
    }
  }
  return findings
}

export const venvCheck: Check = {
  name: 'virtualenvs',
  title: 'python-home and the app virtualenv are venv roots made with mod_wsgi\'s Python',
  run(ctx) {
    const findings: Finding[] = []
    for (const daemon of ctx.site.daemons) {
      const home = daemon.options['python-home']
      if (home) findings.push(...checkVenv(ctx, home, `python-home of daemon "${daemon.name}"`, daemon.where, true))
    }
    if (ctx.site.pythonHome) findings.push(...checkVenv(ctx, ctx.site.pythonHome.path, 'WSGIPythonHome', ctx.site.pythonHome.where, true))
    const app = ctx.appScript?.appVenv
    if (app) findings.push(...checkVenv(ctx, app, 'the application virtualenv', ctx.appScript!.file, false))
    return findings
  },
}
