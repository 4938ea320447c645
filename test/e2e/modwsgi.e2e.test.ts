/**
 * The whole job on real Apache 2.4 + mod_wsgi: `tgdeploy venv` makes the virtualenvs
 * with mod_wsgi's Python and installs the example offline, `tgdeploy modwsgi` writes
 * the site, a private Apache serves it, and requests prove it works.
 */
import {readFileSync, rmSync} from 'node:fs'
import * as path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {ApacheServer, freePort, get, haveApache} from '../helpers/apache.js'
import {tgdeploy} from '../helpers/cli.js'
import {deployExample} from '../helpers/deployment.js'

const HOST = 'hello.test'

describe.runIf(haveApache())('tgdeploy venv + modwsgi on real Apache', () => {
  let root: string
  let project: string
  let venvRoot: string
  let apache: ApacheServer
  let port: number
  let modwsgiArgs: string[]

  beforeAll(async () => {
    port = await freePort()
    const deployment = deployExample('tgdeploy-e2e-', {host: HOST, port, modwsgiFlags: ['--warmup']})
    ;({root, project, venvRoot, modwsgiArgs} = deployment)
    apache = new ApacheServer(path.join(root, 'server'), port, deployment.siteFile)
    const test = apache.configTest()
    expect(test.output).toMatch(/Syntax OK/)
    await apache.start()
    await apache.waitFor(() => /tgdeploy warm-up: GET \/ -> 200 OK/.test(apache.log()), 'the warm-up line in the error log', 30_000)
  })

  afterAll(async () => {
    await apache?.stop()
    if (root) rmSync(root, {recursive: true, force: true})
  })

  it('made the virtualenvs with mod_wsgi\'s Python, the baseline empty', () => {
    const cfg = readFileSync(path.join(venvRoot, 'BASELINE', 'pyvenv.cfg'), 'utf8')
    expect(cfg).toMatch(/^executable = \/usr\/bin\/python3\.\d+$/m)
    expect(readFileSync(path.join(venvRoot, 'hellotg', 'pyvenv.cfg'), 'utf8')).toMatch(/include-system-site-packages = true/)
  })

  it('warmed the app up when the daemon started, so the first real request is fast', async () => {
    const first = await get(port, '/app/', HOST)
    expect(first.status).toBe(200)
    expect(first.body).toBe('Hello from hellotg\n')
    // slow_start is 0.5 s in the example's ini: the warm-up paid it, not this request
    expect(first.ms).toBeLessThan(300)
    const status = JSON.parse((await get(port, '/app/_status', HOST)).body)
    expect(status.first_request).toMatchObject({path: '/', warmup: true})
    expect(status.script_name).toBe('/app')
    expect(status.debug).toBe('false')
  })

  it('serves static files from Apache, not from Python', async () => {
    const css = await get(port, '/app/css/style.css', HOST)
    expect(css.status).toBe(200)
    expect(css.body).toBe(readFileSync(path.join(project, 'hellotg', 'public', 'css', 'style.css'), 'utf8'))
    // Apache's file handler sets these; the app (which would answer 404 here) sets neither
    expect(css.headers.etag).toBeTruthy()
    expect(css.headers['accept-ranges']).toBe('bytes')
    expect(css.headers['content-type']).toMatch(/^text\/css/)
  })

  it('smoke check: app virtualenv first on sys.path, daemon mode, writable egg cache', async () => {
    const reply = await get(port, '/app/_tgdeploy_check?format=json', HOST)
    expect(reply.status).toBe(200)
    const info = JSON.parse(reply.body)
    expect(info.checks).toEqual({
      venv_first_on_sys_path: true, daemon_mode: true, egg_cache_writable: true,
      config_readable: true, distribution_importable: true, paste_deploy_importable: true,
    })
    expect(info.sys_path[0]).toBe(path.join(venvRoot, 'hellotg', 'lib', `python${info.python.split('.').slice(0, 2).join('.')}`, 'site-packages'))
    expect(info.prefix).toBe(path.join(venvRoot, 'BASELINE'))
    expect(info.process_group).toBe('hellotg')
    expect(info.egg_cache).toBe(path.join(venvRoot, 'hellotg', 'python-eggs'))
  })

  it('answers for its virtual host name and not for another Host', async () => {
    expect((await get(port, '/app/', HOST)).status).toBe(200)
    const other = await get(port, '/app/', 'other.test')
    expect(other.status).toBe(403)
    expect(other.body).not.toContain('Hello from hellotg')
  })

  it('does not serve the .wsgi source or the ini', async () => {
    for (const p of ['/app/hellotg.wsgi', '/app/test.wsgi', '/app/production.ini']) {
      const r = await get(port, p, HOST)
      expect(r.body).not.toContain('import os')
      expect(r.body).not.toContain('[app:main]')
    }
  })

  it('re-running modwsgi with the same inputs changes nothing', () => {
    const again = tgdeploy([...modwsgiArgs, '--json'])
    expect(again.status).toBe(0)
    const result = JSON.parse(again.stdout)
    expect(result.changed).toBe(false)
    expect(result.files.map((f: {status: string}) => f.status)).toEqual(['unchanged', 'unchanged', 'unchanged', 'unchanged'])
  })
})
