import {mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync} from 'node:fs'
import {tmpdir} from 'node:os'
import * as path from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {UserError} from '../../src/lib/errors.js'
import {type ModwsgiInput, planModwsgi, runModwsgi} from '../../src/lib/modwsgi/index.js'
import {useCompiledTemplates} from '../../src/lib/modwsgi/render.js'
import {ROOT} from '../helpers/cli.js'
import {copyExample} from '../helpers/deployment.js'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'tgdeploy-plan-'))
  copyExample(dir)
})
afterEach(() => rmSync(dir, {recursive: true, force: true}))

/** Fixed server paths, so the snapshots do not depend on the temp dir. */
function input(over: Partial<ModwsgiInput & {dryRun: boolean}> = {}): ModwsgiInput & {dryRun: boolean} {
  return {
    cwd: dir, config: 'production.ini', app: 'main', output: 'apache', mount: '/app', serverAliases: [], port: 80,
    deployDir: '/srv/hellotg', venvRoot: '/usr/local/pythonenv', baseline: 'BASELINE', user: 'www-data',
    processes: 1, threads: 5, maximumRequests: 0, locale: 'C.UTF-8', static: [], checkAllow: [],
    logDir: '${APACHE_LOG_DIR}', defaultVhost: true, allowDebug: false, force: false, dryRun: true, ...over,
  }
}

function refusal(over: Partial<ModwsgiInput>): UserError {
  try {
    planModwsgi(input(over))
  } catch (error) {
    if (error instanceof UserError) return error
    throw error
  }
  throw new Error('not refused')
}

describe('the generated files', () => {
  it('match the readable snapshots (virtual host, warm-up, extra static dir)', async () => {
    const {rendered} = planModwsgi(input({serverName: 'hello.example.com', serverAliases: ['www.hello.example.com'], warmup: ['/'], static: ['/media=/srv/media files']}))
    for (const f of rendered) await expect(f.content).toMatchFileSnapshot(`__snapshots__/vhost/${f.path}`)
  })

  it('match the readable snapshots (main server, mount /)', async () => {
    const {rendered} = planModwsgi(input({mount: '/', processes: 2, threads: 15}))
    await expect(rendered[0].content).toMatchFileSnapshot('__snapshots__/main-server/hellotg.conf')
  })

  it('put server-scope directives outside the VirtualHost and specific URLs before the mount', () => {
    const conf = planModwsgi(input({serverName: 'hello.example.com'})).rendered[0].content
    const firstVhost = conf.search(/^<VirtualHost/m)
    expect(firstVhost).toBeGreaterThan(0)
    expect(conf.indexOf('WSGIRestrictEmbedded On')).toBeLessThan(firstVhost)
    expect(conf.indexOf('WSGIDaemonProcess')).toBeLessThan(firstVhost)
    expect(conf.indexOf('WSGIScriptAlias /app/_tgdeploy_check')).toBeLessThan(conf.indexOf('WSGIScriptAlias /app "'))
    expect(conf.indexOf('Alias /app/css')).toBeLessThan(conf.indexOf('WSGIScriptAlias /app "'))
    expect(conf).not.toMatch(/^(?!\s*#).*\s#/m) // no comment after a directive
    expect(conf).not.toMatch(/Order|Allow from/)
  })

  it('leave processes= out for one process, and write maximum-requests=0', () => {
    const conf = planModwsgi(input()).rendered[0].content
    expect(conf).not.toMatch(/processes=/)
    expect(conf).toMatch(/maximum-requests=0/)
    expect(planModwsgi(input({processes: 3})).rendered[0].content).toMatch(/processes=3 /)
  })

  it('quote paths with spaces after the = of a mod_wsgi option (quoting the whole word is "Invalid option")', () => {
    const conf = planModwsgi(input({deployDir: '/srv/my app'})).rendered[0].content
    expect(conf).toContain('home="/srv/my app"')
    expect(conf).not.toContain('"home=')
    expect(conf).toContain('<Directory "/srv/my app/apache">')
  })
})

describe('refusals: exit 2, the flag named, nothing written', () => {
  it.each([
    [{mount: '/app/'}, /--mount.*ends with a slash/],
    [{mount: 'app'}, /--mount/],
    [{serverName: 'evil.com\nWSGIScriptAlias / /etc/passwd'}, /--server-name/],
    [{user: 'root'}, /--user: refusing to run the application as root/],
    [{deployDir: '/srv/x"\nInclude /etc/shadow'}, /--deploy-dir.*control character|--deploy-dir.*"\\""/],
    [{venvRoot: 'relative/path'}, /--venv-root.*not an absolute path/],
    [{static: ['/media'], serverName: undefined}, /--static.*URL=DIR/],
    [{locale: 'klingon'}, /--locale/],
    [{port: 0}, /--port/],
    [{name: 'test'}, /--name/],
  ])('%o', (over, message) => {
    expect(refusal(over as Partial<ModwsgiInput>).message).toMatch(message)
    expect(existsSync(path.join(dir, 'apache'))).toBe(false)
  })

  it('an effective debug = true unless --allow-debug', () => {
    const ini = path.join(dir, 'production.ini')
    writeFileSync(ini, readFileSync(ini, 'utf8').replace('set debug = false', 'set debug = true'))
    const error = refusal({})
    expect(error.message).toMatch(/debug = true.*any visitor run Python code/)
    expect(error.fix).toMatch(/--allow-debug/)
    expect(planModwsgi(input({allowDebug: true})).result.warnings.join()).toMatch(/debugger is on/)
  })

  it('a plain "debug = false" in the app section does not turn [DEFAULT] debug = true off', () => {
    const ini = path.join(dir, 'production.ini')
    writeFileSync(ini, readFileSync(ini, 'utf8').replace('set debug = false', 'debug = false'))
    expect(refusal({}).message).toMatch(/debug = true/)
  })

  it('warns about placeholder secrets', () => {
    const ini = path.join(dir, 'production.ini')
    writeFileSync(ini, readFileSync(ini, 'utf8').replace(/beaker.session.secret = .*/, 'beaker.session.secret = somesecret'))
    expect(planModwsgi(input()).result.warnings.join('\n')).toMatch(/beaker.session.secret.*placeholder/)
  })
})

describe('writing', () => {
  it('is idempotent, and never overwrites an edited file without --force (then keeps a .bak)', () => {
    const first = runModwsgi(input({dryRun: false}))
    expect(first.files.map((f) => f.status)).toEqual(['create', 'create', 'create', 'create'])
    const again = runModwsgi(input({dryRun: false}))
    expect(again.changed).toBe(false)
    const conf = path.join(dir, 'apache', 'hellotg.conf')
    const wsgiBefore = readFileSync(path.join(dir, 'apache', 'hellotg.wsgi'), 'utf8')
    writeFileSync(conf, `${readFileSync(conf, 'utf8')}# my edit\n`)
    expect(() => runModwsgi(input({dryRun: false, threads: 9}))).toThrow(/changed since tgdeploy wrote it.*nothing was written/)
    expect(readFileSync(path.join(dir, 'apache', 'hellotg.wsgi'), 'utf8')).toBe(wsgiBefore)
    expect(readFileSync(conf, 'utf8')).toMatch(/# my edit/)
    const forced = runModwsgi(input({dryRun: false, threads: 9, force: true}))
    expect(forced.files[0]).toMatchObject({status: 'force', backup: `${conf}.bak`})
    expect(readFileSync(`${conf}.bak`, 'utf8')).toMatch(/# my edit/)
    expect(readFileSync(conf, 'utf8')).toMatch(/threads=9/)
  })

  it('updates files it wrote itself when the inputs change', () => {
    runModwsgi(input({dryRun: false}))
    const changed = runModwsgi(input({dryRun: false, threads: 7}))
    expect(changed.files.find((f) => f.path === 'hellotg.conf')?.status).toBe('update')
  })

  it('a dry run writes nothing', () => {
    const result = runModwsgi(input({dryRun: true}))
    expect(result.dryRun).toBe(true)
    expect(existsSync(path.join(dir, 'apache'))).toBe(false)
  })
})

describe('build-time compiled templates', () => {
  it.runIf(existsSync(path.join(ROOT, 'dist', 'templates', 'modwsgi', 'site.conf.cjs')))('render exactly what ejs renders from the same source', () => {
    const over = {serverName: 'hello.example.com', warmup: ['/'], static: ['/media=/srv/media'], processes: 2}
    const compiled = planModwsgi(input(over)).rendered
    useCompiledTemplates(false)
    try {
      expect(planModwsgi(input(over)).rendered).toEqual(compiled)
    } finally {
      useCompiledTemplates(true)
    }
  })
})
