import {Config} from '@oclif/core'
import {describe, expect, it} from 'vitest'

import {EXAMPLE, ROOT, tgdeploy} from './helpers/cli.js'

describe('the package', () => {
  it('loads as an oclif plugin into a host config and provides its commands', async () => {
    const host = await Config.load({root: ROOT})
    await host.loadPluginsAndCommands()
    const ids = host.commands.map((c) => c.id)
    expect(ids).toEqual(expect.arrayContaining(['inspect', 'modwsgi', 'venv']))
    for (const id of ['inspect', 'modwsgi', 'venv']) {
      const cmd = host.findCommand(id)!
      expect(cmd.summary, id).toBeTruthy()
      expect(cmd.examples?.length, id).toBeGreaterThan(0)
      for (const [name, flag] of Object.entries(cmd.flags)) expect(flag.description ?? flag.summary, `${id} --${name}`).toBeTruthy()
    }
  })

  it('modwsgi --help shows every flag and the examples (golden)', async () => {
    const help = tgdeploy(['modwsgi', '--help'])
    expect(help.status).toBe(0)
    await expect(help.stdout).toMatchFileSnapshot('__snapshots__/modwsgi-help.txt')
  })

  it('inspect --json prints the documented shape; a rejected file exits 2 with FILE:LINE', () => {
    const ok = tgdeploy(['inspect', `${EXAMPLE}/production.ini`, '--json'])
    expect(ok.status).toBe(0)
    const json = JSON.parse(ok.stdout)
    expect(Object.keys(json)).toEqual(['file', 'sections', 'main'])
    expect(json.main).toMatchObject({section: 'app:main', chain: ['app:main'], use: 'egg:hellotg', egg: 'hellotg', entryPoint: 'main'})
    expect(json.main.config.debug).toBe('false')
    const bad = tgdeploy(['inspect', `${ROOT}/test/ini/fixtures/duplicate-key.ini`])
    expect(bad.status).toBe(2)
    expect(bad.stderr.replace(/\s*\n ›\s+/g, ' ')).toMatch(/duplicate-key\.ini:4: option 'key' in section \[app:main\] already exists/)
    expect(bad.stderr).not.toMatch(/    at /)
    const badJson = tgdeploy(['inspect', `${ROOT}/test/ini/fixtures/duplicate-key.ini`, '--json'])
    expect(badJson.status).toBe(2)
    expect(JSON.parse(badJson.stdout).error).toMatchObject({code: 'DuplicateOptionError'})
  })

  it('modwsgi --dry-run --json on the example writes nothing and prints the plan', () => {
    const r = tgdeploy(['modwsgi', '--cwd', EXAMPLE, '--mount', '/app', '--dry-run', '--json', '--output', 'apache-dry-run-test'])
    expect(r.status).toBe(0)
    const plan = JSON.parse(r.stdout)
    expect(plan.files.map((f: {path: string}) => f.path)).toEqual(['hellotg.conf', 'hellotg.wsgi', 'test.wsgi', 'README.txt'])
    expect(plan.files[0].sha256).toMatch(/^[0-9a-f]{64}$/)
    expect(plan.urls).toEqual({app: 'http://localhost/app', check: 'http://localhost/app/_tgdeploy_check'})
    expect(plan.venvs.baseline).toBe('/usr/local/pythonenv/BASELINE')
  })

  it('a bad flag exits 2 naming the flag', () => {
    const r = tgdeploy(['modwsgi', '--cwd', EXAMPLE, '--mount', '/app/', '--dry-run'])
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/--mount: "\/app\/" ends with a slash/)
  })
})
