import {existsSync, mkdtempSync, readFileSync, rmSync, mkdirSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import * as path from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'

import {UserError} from '../src/lib/errors.js'
import {detectModWsgiPython} from '../src/lib/python/modwsgi-python.js'
import {runChecked} from '../src/lib/spawn.js'
import {applyVenvPlan, choosePython, planVenvs, type VenvRequest} from '../src/lib/venv/index.js'
import {haveApache} from './helpers/apache.js'

const root = mkdtempSync(path.join(tmpdir(), 'tgdeploy-venv-'))
afterAll(() => rmSync(root, {recursive: true, force: true}))

function request(over: Partial<VenvRequest> = {}): VenvRequest {
  return {
    venvRoot: path.join(root, 'envs'), baseline: 'BASELINE', venv: 'app', systemSitePackages: false, install: false,
    projectDir: '/nowhere', pipArgs: [], user: 'www-data', writableDirs: [], recreate: false, ...over,
  }
}

/** Another Python installation of the same major version, if the machine has one (pyenv here). */
function otherPython(): string | undefined {
  for (const p of [process.env.OTHER_PYTHON, '/root/.pyenv/shims/python3', '/usr/local/bin/python3']) {
    if (p && existsSync(p)) {
      try {
        const real = runChecked([p, '-c', 'import sys; print(sys.base_prefix)']).stdout.trim()
        if (real !== '/usr') return p
      } catch {
        // not runnable
      }
    }
  }
  return undefined
}

describe.runIf(haveApache())('the Python mod_wsgi runs', () => {
  it('is found from mod_wsgi.so\'s libpython: /usr/bin/python3 on Debian, whatever python3 is on PATH', () => {
    const detected = detectModWsgiPython()
    expect(detected?.module).toMatch(/mod_wsgi\.so$/)
    expect(detected?.libpythonPath).toMatch(/libpython3\.\d+\.so/)
    expect(detected?.python?.executable).toBe('/usr/bin/python3')
    expect(detected?.python?.libpython).toBe(detected?.libpythonPath)
  })

  it.runIf(otherPython())('refuses --python naming another installation, saying which one mod_wsgi needs', () => {
    expect(() => choosePython(otherPython(), detectModWsgiPython())).toThrow(/is not the Python mod_wsgi runs.*loads \/usr\/lib/)
  })

  it('makes an empty baseline and the app venv, keeps them on a re-run, and catches a venv from another Python', () => {
    const detected = detectModWsgiPython()
    const python = choosePython(undefined, detected)
    const plan = planVenvs(request(), python, detected)
    expect(plan.steps.map((s) => s.action)).toEqual(['create', 'create', 'mkdir'])
    applyVenvPlan(plan, () => {}, false)
    const baseline = path.join(root, 'envs', 'BASELINE')
    expect(readFileSync(path.join(baseline, 'pyvenv.cfg'), 'utf8')).toMatch(/version = 3\.\d+\.\d+/)
    expect(existsSync(path.join(baseline, 'bin', 'pip'))).toBe(false)
    expect(existsSync(path.join(root, 'envs', 'app', 'python-eggs'))).toBe(true)
    // a re-run changes nothing
    expect(planVenvs(request(), python, detected).steps.map((s) => s.action)).toEqual(['keep', 'keep', 'mkdir'])
    expect(planVenvs(request(), python, detected).warnings).toEqual([])
    // asking for system site-packages on a venv made without them keeps it, and says so
    expect(planVenvs(request({systemSitePackages: true}), python, detected).warnings.join('\n')).toMatch(/made without --system-site-packages and is kept that way.*--recreate/)
    // a venv that claims another interpreter is caught, and replaced only on --recreate
    const cfg = path.join(root, 'envs', 'app', 'pyvenv.cfg')
    writeFileSync(cfg, readFileSync(cfg, 'utf8').replace(/^executable = .*$/m, 'executable = /opt/other/bin/python3.11').replace(/^version = .*$/m, 'version = 3.11.7'))
    expect(() => planVenvs(request(), python, detected)).toThrow(/was made with Python 3\.11\.7 \(\/opt\/other\/bin\/python3\.11\).*not with mod_wsgi's Python/)
    expect(planVenvs(request({recreate: true}), python, detected).steps[1].action).toBe('recreate')
  })

  it('never deletes a directory it did not make', () => {
    const foreign = path.join(root, 'foreign')
    mkdirSync(path.join(foreign, 'app'), {recursive: true})
    writeFileSync(path.join(foreign, 'app', 'precious.txt'), 'keep me')
    const detected = detectModWsgiPython()
    const error = (() => {
      try {
        planVenvs(request({venvRoot: foreign, recreate: true}), choosePython(undefined, detected), detected)
      } catch (e) {
        return e
      }
    })()
    expect(error).toBeInstanceOf(UserError)
    expect((error as Error).message).toMatch(/not a virtualenv, and tgdeploy did not make it/)
  })
})
