/**
 * The baseline and application virtualenvs, made with the Python mod_wsgi runs.
 * Plan first (pure data: the exact commands), then apply. Only venvs this tool made
 * (they carry a marker file) are ever deleted, and only with --recreate.
 */
import {existsSync, readFileSync, readdirSync, realpathSync} from 'node:fs'
import * as path from 'node:path'

import fs from 'fs-extra'

import {UserError} from '../errors.js'
import {absolutePath, siteName, systemName} from '../validate.js'
import {askPython, installHint, type ModWsgiPython, type PythonInfo} from '../python/modwsgi-python.js'
import {runChecked} from '../spawn.js'

export const MARKER = 'tgdeploy-venv.json'

export interface VenvRequest {
  venvRoot: string
  baseline: string
  venv: string
  python?: string
  systemSitePackages: boolean
  install: boolean
  projectDir: string
  pipArgs: string[]
  user: string
  group?: string
  writableDirs: string[]
  recreate: boolean
}

export type VenvStep =
  | {action: 'keep'; path: string; reason: string}
  | {action: 'create' | 'recreate'; path: string; argv: string[]; reason: string}
  | {action: 'mkdir'; path: string; owner: string | null; reason: string}
  | {action: 'install'; path: string; argv: string[]; reason: string}

export interface VenvPlan {
  python: PythonInfo & {source: 'mod_wsgi' | '--python'}
  modWsgi: {module: string; libpython: string | null} | null
  baseline: string
  app: string
  eggCache: string
  steps: VenvStep[]
  warnings: string[]
}

export interface VenvState {
  exists: boolean
  isVenv: boolean
  ours: boolean
  executable: string | null
  version: string | null
  systemSitePackages: boolean
  packages: string[]
}

function readPyvenvCfg(venv: string): Record<string, string> | null {
  try {
    const values: Record<string, string> = {}
    for (const line of readFileSync(path.join(venv, 'pyvenv.cfg'), 'utf8').split('\n')) {
      const eq = line.indexOf('=')
      if (eq > 0) values[line.slice(0, eq).trim().toLowerCase()] = line.slice(eq + 1).trim()
    }
    return values
  } catch {
    return null
  }
}

function realOrSame(p: string): string {
  try {
    return realpathSync(p)
  } catch {
    return p
  }
}

/** What is at `venv` now: a virtualenv? made with which interpreter? with which packages? */
export function venvState(venv: string): VenvState {
  const cfg = readPyvenvCfg(venv)
  const lib = path.join(venv, 'lib')
  const packages = existsSync(lib)
    ? readdirSync(lib).flatMap((d) => {
      const sp = path.join(lib, d, 'site-packages')
      return existsSync(sp) ? readdirSync(sp).filter((p) => !p.startsWith('_distutils_hack') && p !== '__pycache__' && p !== 'distutils-precedence.pth') : []
    })
    : []
  return {
    exists: existsSync(venv),
    isVenv: cfg !== null,
    ours: existsSync(path.join(venv, MARKER)),
    executable: cfg?.executable ?? (cfg?.home ? path.join(cfg.home, 'python3') : null),
    version: cfg?.version ?? cfg?.version_info ?? null,
    systemSitePackages: cfg?.['include-system-site-packages']?.toLowerCase() === 'true',
    packages,
  }
}

/** Was this venv made with `python`? Same version and same installation. */
export function madeWith(state: VenvState, python: PythonInfo): boolean {
  if (!state.isVenv || state.version !== python.version || !state.executable) return false
  return path.dirname(realOrSame(state.executable)) === path.dirname(realOrSame(python.executable))
}

export function choosePython(pythonFlag: string | undefined, detected: ModWsgiPython | null): VenvPlan['python'] {
  if (pythonFlag) {
    const info = askPython(pythonFlag)
    if (!info) throw new UserError(`--python: ${pythonFlag} does not run`, 'give the path of a Python 3 interpreter, such as /usr/bin/python3')
    if (detected?.libpythonPath && info.libpython !== detected.libpythonPath) {
      throw new UserError(`--python: ${pythonFlag} (Python ${info.version}, ${info.libpython ?? 'no shared libpython'}) is not the Python mod_wsgi runs: ${detected.module} loads ${detected.libpythonPath}`,
        detected.python ? `use --python ${detected.python.executable}, or leave --python out` : 'use the interpreter installed with that libpython')
    }
    return {...info, executable: pythonFlag, source: '--python'}
  }
  if (!detected) throw new UserError('mod_wsgi is not installed (no mod_wsgi*.so in the Apache module directories)', `${installHint()}; or name the interpreter with --python`)
  if (!detected.libpythonPath) {
    throw new UserError(`${detected.module} needs ${detected.libpythonName ?? 'a libpython'}, which the dynamic loader cannot find (ldd says "not found")`,
      'install the Python that mod_wsgi was built for, or add its lib directory to /etc/ld.so.conf.d and run ldconfig; a mod_wsgi you built yourself must be rebuilt against a Python configured with --enable-shared (with LD_RUN_PATH set)')
  }
  if (!detected.python) {
    throw new UserError(`no interpreter found for ${detected.libpythonPath}, the libpython ${detected.module} loads (tried ${detected.candidatesTried.join(', ') || 'nothing'})`,
      'name it with --python /path/to/python3.X')
  }
  return {...detected.python, source: 'mod_wsgi'}
}

export function planVenvs(request: VenvRequest, python: VenvPlan['python'], modWsgi: ModWsgiPython | null): VenvPlan {
  const root = absolutePath(request.venvRoot, '--venv-root')
  const baseline = path.join(root, siteName(request.baseline, '--baseline'))
  const app = path.join(root, siteName(request.venv, '--venv'))
  if (baseline === app) throw new UserError('--venv: the application virtualenv must differ from the baseline', 'choose another --venv')
  const user = systemName(request.user, '--user')
  const group = systemName(request.group ?? user, '--group')
  const steps: VenvStep[] = []
  const warnings: string[] = []

  const venvStep = (venv: string, args: string[], role: string) => {
    const state = venvState(venv)
    const argv = [python.executable, '-m', 'venv', ...args, venv]
    if (!state.exists) return steps.push({action: 'create', path: venv, argv, reason: `${role}, with Python ${python.version} (${python.executable})`})
    if (state.isVenv && madeWith(state, python)) {
      steps.push({action: 'keep', path: venv, reason: `${role} already made with Python ${python.version} (${python.executable})`})
      return
    }
    const what = state.isVenv ? `was made with Python ${state.version ?? '?'} (${state.executable ?? '?'}), not with mod_wsgi's Python ${python.version} (${python.executable})` : 'exists but is not a virtualenv'
    if (!request.recreate) throw new UserError(`${venv} ${what}`, state.ours ? 're-run with --recreate to replace it' : 'move it away (tgdeploy only replaces virtualenvs it made), or choose another --venv-root')
    if (!state.ours) throw new UserError(`${venv} ${what}, and tgdeploy did not make it: it will not delete it`, 'move it away yourself, or choose another --venv-root')
    steps.push({action: 'recreate', path: venv, argv, reason: `${role}: ${what}`})
  }
  venvStep(baseline, ['--without-pip'], 'baseline (empty) virtualenv, mod_wsgi\'s python-home')
  const baselineState = venvState(baseline)
  if (baselineState.packages.length) warnings.push(`${baseline} is not empty (${baselineState.packages.slice(0, 5).join(', ')}): packages there leak into every app that uses it as python-home`)
  venvStep(app, request.systemSitePackages ? ['--system-site-packages'] : [], 'application virtualenv')
  const appState = venvState(app)
  if (appState.isVenv && madeWith(appState, python) && appState.systemSitePackages !== request.systemSitePackages) {
    // kept as it is: say so, since the .wsgi honours what pyvenv.cfg says, not the flag
    warnings.push(request.systemSitePackages
      ? `${app} was made without --system-site-packages and is kept that way: Debian's python3-* packages (paste.deploy...) are not visible to the app; re-run with --recreate, or set include-system-site-packages = true in ${path.join(app, 'pyvenv.cfg')}`
      : `${app} was made with --system-site-packages and is kept that way: the system's packages stay visible to the app; re-run with --system-site-packages to keep it, or --recreate to drop them`)
  }
  const owner = `${user}:${group}`
  const eggCache = path.join(app, 'python-eggs')
  for (const dir of [eggCache, ...request.writableDirs.filter((d) => d !== eggCache)]) {
    steps.push({action: 'mkdir', path: dir, owner, reason: `writable by the daemon user ${user}`})
  }
  if (request.install) {
    steps.push({action: 'install', path: app, argv: [path.join(app, 'bin', 'python'), '-m', 'pip', 'install', ...request.pipArgs, request.projectDir], reason: 'install the project into the application virtualenv'})
  }
  return {
    python,
    modWsgi: modWsgi ? {module: modWsgi.module, libpython: modWsgi.libpythonPath} : null,
    baseline, app, eggCache, steps, warnings,
  }
}

function ids(owner: string): {uid: number; gid: number} {
  const [user, group] = owner.split(':')
  const uid = Number(runChecked(['id', '-u', user]).stdout.trim())
  const gid = Number(runChecked(['getent', 'group', group]).stdout.split(':')[2])
  return {uid, gid}
}

/** Carry out the plan. `progress` is told about each step before it runs. */
export function applyVenvPlan(plan: VenvPlan, progress: (step: VenvStep) => void, showOutput: boolean): void {
  for (const step of plan.steps) {
    progress(step)
    switch (step.action) {
      case 'keep': break
      case 'recreate':
        fs.removeSync(step.path)
      // falls through
      case 'create':
        runChecked(step.argv)
        fs.writeJsonSync(path.join(step.path, MARKER), {generator: 'tgdeploy', python: plan.python.executable, version: plan.python.version})
        runChecked(['chmod', '-R', 'a+rX', step.path])
        break
      case 'mkdir': {
        fs.ensureDirSync(step.path)
        if (step.owner && process.getuid?.() === 0) {
          const {uid, gid} = ids(step.owner)
          fs.chownSync(step.path, uid, gid)
        }
        fs.chmodSync(step.path, 0o750)
        break
      }
      case 'install':
        runChecked(step.argv, {inherit: showOutput})
        runChecked(['chmod', '-R', 'a+rX', step.path])
        break
    }
  }
}
