/**
 * `tgdeploy doctor` on a real deployment: venvs made by `tgdeploy venv` with the
 * example installed, the site written by `tgdeploy modwsgi`, real Apache for the
 * config test and the live checks. Each test breaks exactly one thing, sees the
 * finding with its id, and puts the thing back.
 */
import {chmodSync, chownSync, copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync} from 'node:fs'
import * as path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {type DoctorInput, type DoctorReport, runDoctor} from '../../src/lib/doctor/index.js'
import {run} from '../../src/lib/spawn.js'
import {ApacheServer, freePort, haveApache} from '../helpers/apache.js'
import {tgdeploy} from '../helpers/cli.js'
import {deployExample} from '../helpers/deployment.js'

const HOST = 'hello.test'

describe.runIf(haveApache())('tgdeploy doctor on a real deployment', () => {
  let root: string
  let project: string
  let venvRoot: string
  let siteFile: string
  let sitesDir: string
  let port: number
  let apache: ApacheServer

  const doctor = (over: Partial<DoctorInput> = {}): Promise<DoctorReport> =>
    runDoctor({cwd: project, output: 'apache', moduleDirs: [], timeoutMs: 10_000, ...over})
  const ids = (report: DoctorReport) => report.findings.map((f) => f.id)
  const finding = (report: DoctorReport, id: string) => report.findings.find((f) => f.id === id)

  /** The generated site, changed by `edit`, written beside the others as NAME. */
  function brokenSite(edit: (conf: string) => string, name = 'hellotg.conf'): string {
    const original = readFileSync(siteFile, 'utf8')
    const changed = edit(original)
    expect(changed, 'the edit must change the site').not.toBe(original)
    const file = path.join(sitesDir, name)
    writeFileSync(file, changed)
    return file
  }

  /** Change a file for the duration of `body`, then put it back byte for byte. */
  async function withEdited<T>(file: string, edit: (text: string) => string, body: () => Promise<T>): Promise<T> {
    const original = readFileSync(file, 'utf8')
    writeFileSync(file, edit(original))
    try {
      return await body()
    } finally {
      writeFileSync(file, original)
    }
  }

  beforeAll(async () => {
    port = await freePort()
    ;({root, project, venvRoot, siteFile} = deployExample('tgdeploy-doctor-', {host: HOST, port}))
    sitesDir = path.join(root, 'sites-available')
    mkdirSync(sitesDir)
  }, 180_000)

  afterAll(async () => {
    await apache?.stop()
    if (root) rmSync(root, {recursive: true, force: true})
  })

  it('finds nothing wrong with the deployment tgdeploy made', async () => {
    const report = await doctor()
    expect(report.findings).toEqual([])
    expect(report.exitCode).toBe(0)
    expect(report.site).toBe(siteFile)
    expect(report.checks.filter((c) => c.status !== 'ok').map((c) => c.name)).toEqual(['live'])
  })

  describe('mod_wsgi and the virtualenvs', () => {
    it('mod-wsgi-missing: no mod_wsgi in the module directory', async () => {
      const empty = mkdtempSync(path.join(root, 'modules-'))
      const report = await doctor({moduleDirs: [empty]})
      expect(ids(report), JSON.stringify(report.findings)).toContain('mod-wsgi-missing')
      expect(finding(report, 'mod-wsgi-missing')!.fix).toMatch(/apt-get install libapache2-mod-wsgi-py3/)
    })

    it('mod-wsgi-not-enabled: an Apache config whose mods-enabled lacks wsgi', async () => {
      const apacheRoot = path.join(root, 'etc-apache2')
      cpSync('/etc/apache2', apacheRoot, {recursive: true, verbatimSymlinks: true})
      rmSync(path.join(apacheRoot, 'mods-enabled', 'wsgi.load'), {force: true})
      rmSync(path.join(apacheRoot, 'mods-enabled', 'wsgi.conf'), {force: true})
      const report = await doctor({apacheRoot})
      expect(ids(report), JSON.stringify(report.findings)).toContain('mod-wsgi-not-enabled')
      expect(finding(report, 'mod-wsgi-not-enabled')!.fix).toBe('a2enmod wsgi && systemctl restart apache2')
      rmSync(apacheRoot, {recursive: true, force: true})
    })

    it('libpython-not-found: a mod_wsgi.so whose libpython the loader cannot find', async () => {
      const modules = mkdtempSync(path.join(root, 'modules-'))
      const so = path.join(modules, 'mod_wsgi.so')
      copyFileSync('/usr/lib/apache2/modules/mod_wsgi.so', so)
      const needed = run(['patchelf', '--print-needed', so]).stdout.split('\n').find((l) => l.startsWith('libpython'))
      expect(needed, 'patchelf (installed by .ci/run) reads the module').toBeTruthy()
      expect(run(['patchelf', '--replace-needed', needed!, 'libpython3.99.so.1.0', so]).status).toBe(0)
      const report = await doctor({moduleDirs: [modules]})
      expect(ids(report), JSON.stringify(report.findings)).toContain('libpython-not-found')
      expect(finding(report, 'libpython-not-found')!.message).toContain('libpython3.99.so.1.0')
    })

    it('venv-wrong-python: the app virtualenv made by another Python installation', async () => {
      const cfg = path.join(venvRoot, 'hellotg', 'pyvenv.cfg')
      const report = await withEdited(cfg, (t) => t.replace(/^home = .*$/m, 'home = /opt/python3.11/bin').replace(/^executable = .*$/m, 'executable = /opt/python3.11/bin/python3.11'), () => doctor())
      expect(ids(report), JSON.stringify(report.findings)).toEqual(['venv-wrong-python'])
      expect(finding(report, 'venv-wrong-python')!.message).toMatch(/\/opt\/python3\.11.*mod_wsgi runs Python 3\.\d+\.\d+ \(\/usr\/bin\/python3\)/)
    })

    it('python-home-missing: python-home names a directory that does not exist', async () => {
      const site = brokenSite((c) => c.replace(/python-home=\S+/, 'python-home=/nonexistent/BASELINE'))
      const report = await doctor({site})
      expect(ids(report), JSON.stringify(report.findings)).toContain('python-home-missing')
      expect(finding(report, 'python-home-missing')!.message).toMatch(/requests hang/)
    })

    it('python-home-not-venv: python-home names bin/python inside the venv, and the fix names the root', async () => {
      const baseline = path.join(venvRoot, 'BASELINE')
      const site = brokenSite((c) => c.replace(/python-home=\S+/, `python-home=${baseline}/bin/python`))
      const report = await doctor({site})
      expect(ids(report), JSON.stringify(report.findings)).toContain('python-home-not-venv')
      expect(finding(report, 'python-home-not-venv')!.fix).toBe(`write python-home=${baseline}`)
    })

    it('python-home-not-venv: python-home names the venv\'s site-packages (the TurboGears docs\' python-path habit)', async () => {
      const baseline = path.join(venvRoot, 'BASELINE')
      const sitePackages = run(['sh', '-c', `ls -d ${baseline}/lib/python3*/site-packages`]).stdout.trim()
      const site = brokenSite((c) => c.replace(/python-home=\S+/, `python-home=${sitePackages}`))
      const report = await doctor({site})
      expect(ids(report), JSON.stringify(report.findings)).toContain('python-home-not-venv')
      expect(finding(report, 'python-home-not-venv')!.fix).toBe(`write python-home=${baseline}`)
    })

    it('baseline-not-empty: a package installed into the baseline', async () => {
      const sitePackages = run(['sh', '-c', `ls -d ${venvRoot}/BASELINE/lib/python3*/site-packages`]).stdout.trim()
      const leak = path.join(sitePackages, 'leaky.py')
      writeFileSync(leak, '')
      try {
        const report = await doctor()
        expect(ids(report), JSON.stringify(report.findings)).toEqual(['baseline-not-empty'])
        expect(report.exitCode).toBe(1)
      } finally {
        unlinkSync(leak)
      }
    })
  })

  describe('the site config', () => {
    it('configtest-failed: a directive httpd does not know', async () => {
      const site = brokenSite((c) => c.replace('WSGIRestrictEmbedded On', 'WSGIRestrictEmbedded On\nNoSuchDirective yes'))
      const report = await doctor({site})
      expect(ids(report), JSON.stringify(report.findings)).toEqual(['configtest-failed'])
      expect(finding(report, 'configtest-failed')!.message).toMatch(/NoSuchDirective/)
      expect(finding(report, 'configtest-failed')!.where).toBe(`${site}:8`)
    })

    it('an enabled site is tested with the system config (a copy of /etc/apache2 here), and its failure reported', async () => {
      const apacheRoot = path.join(root, 'etc-apache2-installed')
      cpSync('/etc/apache2', apacheRoot, {recursive: true, verbatimSymlinks: true})
      try {
        const enabled = path.join(apacheRoot, 'sites-enabled', 'hellotg.conf')
        symlinkSync(siteFile, enabled)
        const healthy = await doctor({apacheRoot})
        expect(healthy.installed).toBe(true)
        expect(healthy.findings, JSON.stringify(healthy.findings)).toEqual([])
        const site = brokenSite((c) => c.replace('WSGIRestrictEmbedded On', 'WSGIRestrictEmbedded On\nNoSuchDirective yes'))
        rmSync(enabled)
        symlinkSync(site, enabled)
        const broken = await doctor({apacheRoot, site})
        expect(ids(broken), JSON.stringify(broken.findings)).toEqual(['configtest-failed'])
        expect(finding(broken, 'configtest-failed')!.message).toMatch(/on the system config .*apache2\.conf.*NoSuchDirective/)
      } finally {
        rmSync(apacheRoot, {recursive: true, force: true})
      }
    })

    it('process-group-undefined: WSGIProcessGroup names a group nobody defines (httpd -t passes)', async () => {
      const site = brokenSite((c) => c.replace(`    ServerName ${HOST}`, `    ServerName ${HOST}\n    WSGIProcessGroup hellotg-typo`))
      const report = await doctor({site})
      expect(ids(report), JSON.stringify(report.findings)).toEqual(['process-group-undefined'])
    })

    it('daemon-never-selected: the daemon group is defined but no script selects it', async () => {
      const site = brokenSite((c) => c.replaceAll(' process-group=hellotg application-group=%{GLOBAL}', ''))
      const report = await doctor({site})
      expect(ids(report), JSON.stringify(report.findings)).toContain('daemon-never-selected')
      expect(finding(report, 'daemon-never-selected')!.message).toMatch(/runs embedded/)
    })

    it('daemon-duplicate: the WSGIDaemonProcess copied into the virtual host (certbot-style)', async () => {
      const site = brokenSite((c) => {
        const daemon = /WSGIDaemonProcess hellotg \\\n(?: {4}.*\\\n)* {4}\S+\n/.exec(c)![0]
        return c.replace(`    ServerName ${HOST}\n`, `    ServerName ${HOST}\n${daemon}`)
      })
      const report = await doctor({site})
      expect(ids(report), JSON.stringify(report.findings)).toContain('daemon-duplicate')
      expect(ids(report), JSON.stringify(report.findings)).toContain('configtest-failed')
    })

    it('server-scope-in-vhost: WSGIPythonHome inside <VirtualHost>', async () => {
      const site = brokenSite((c) => c.replace(`    ServerName ${HOST}\n`, `    ServerName ${HOST}\n    WSGIPythonHome ${venvRoot}/BASELINE\n`))
      const report = await doctor({site})
      expect(ids(report), JSON.stringify(report.findings)).toContain('server-scope-in-vhost')
      expect(finding(report, 'server-scope-in-vhost')!.fix).toMatch(/python-home=/)
    })

    it('python-path-site-packages: a site-packages dir given with python-path', async () => {
      const site = brokenSite((c) => c.replace('    threads=5 \\\n', `    threads=5 \\\n    python-path=${venvRoot}/hellotg/lib/python3.11/site-packages \\\n`))
      const report = await doctor({site})
      expect(ids(report), JSON.stringify(report.findings)).toEqual(['python-path-site-packages'])
      expect(report.exitCode).toBe(1)
    })

    it('no-request-timeout: a daemon without timeouts', async () => {
      const site = brokenSite((c) => c.replace(/ +request-timeout=60 \\\n/, ''))
      const report = await doctor({site})
      expect(ids(report), JSON.stringify(report.findings)).toEqual(['no-request-timeout'])
    })

    it('application-group-not-global: the app in a sub-interpreter', async () => {
      const site = brokenSite((c) => c.replace(/(WSGIScriptAlias \/app "[^"]+hellotg\.wsgi" process-group=hellotg application-group=)%\{GLOBAL\}/, '$1hellotg'))
      const report = await doctor({site})
      expect(ids(report), JSON.stringify(report.findings)).toEqual(['application-group-not-global'])
    })

    it('mount-trailing-slash: WSGIScriptAlias /app/', async () => {
      const site = brokenSite((c) => c.replace(/WSGIScriptAlias \/app ("[^"]+hellotg\.wsgi")/, 'WSGIScriptAlias /app/ $1'))
      const report = await doctor({site})
      expect(ids(report), JSON.stringify(report.findings)).toEqual(['mount-trailing-slash'])
      expect(finding(report, 'mount-trailing-slash')!.fix).toMatch(/^write WSGIScriptAlias \/app /)
    })

    it('site-file-name: a site file without .conf', async () => {
      const site = brokenSite((c) => `${c}\n`, 'hellotg')
      const report = await doctor({site})
      expect(ids(report), JSON.stringify(report.findings)).toEqual(['site-file-name'])
      expect(finding(report, 'site-file-name')!.fix).toBe(`mv ${site} ${site}.conf`)
    })

    it('locale-missing: lang/locale the system does not have', async () => {
      const site = brokenSite((c) => c.replace('lang=C.UTF-8', 'lang=xx_XX.UTF-8'))
      const report = await doctor({site})
      expect(ids(report), JSON.stringify(report.findings)).toEqual(['locale-missing'])
      expect(finding(report, 'locale-missing')!.message).toMatch(/lang=xx_XX\.UTF-8/)
    })

    it('user-missing: the daemon runs as a user that does not exist', async () => {
      const site = brokenSite((c) => c.replace('user=www-data', 'user=tgdeploy-nosuchuser'))
      const report = await doctor({site})
      expect(ids(report), JSON.stringify(report.findings)).toContain('user-missing')
    })

    it('grant-missing: the <Files> grant for the .wsgi removed', async () => {
      const site = brokenSite((c) => c.replace(/ *<Files "hellotg\.wsgi">\n *Require all granted\n *<\/Files>\n/, ''))
      const report = await doctor({site})
      expect(ids(report), JSON.stringify(report.findings)).toEqual(['grant-missing'])
      expect(finding(report, 'grant-missing')!.message).toMatch(/hellotg\.wsgi.*denied by .*hellotg\.conf:\d+.*AH01630/)
    })

    it('grant-missing: the static directory\'s grant removed', async () => {
      const site = brokenSite((c) => c.replace(/( +)Options -Indexes\n +Require all granted\n/, '$1Options -Indexes\n'))
      const report = await doctor({site})
      expect(ids(report), JSON.stringify(report.findings)).toEqual(['grant-missing', 'grant-missing'])
      expect(report.findings.map((f) => f.message).join('\n')).toMatch(/static files at \/app\/css/)
    })

    it('apache22-access: Order/Allow on Apache 2.4', async () => {
      const site = brokenSite((c) => c.replace('    Options -Indexes\n', '    Options -Indexes\n    Order allow,deny\n    Allow from all\n'))
      const report = await doctor({site})
      expect(ids(report), JSON.stringify(report.findings)).toEqual(['apache22-access', 'apache22-access'])
      expect(finding(report, 'apache22-access')!.fix).toMatch(/Require all granted/)
    })

    it('source-in-document-root: the project inside the virtual host\'s DocumentRoot', async () => {
      const site = brokenSite((c) => c.replace(`    ServerName ${HOST}\n`, `    ServerName ${HOST}\n    DocumentRoot ${path.join(root, 'srv')}\n`))
      const report = await doctor({site})
      expect(ids(report), JSON.stringify(report.findings)).toEqual(['source-in-document-root'])
      expect(finding(report, 'source-in-document-root')!.message).toContain('production.ini')
    })
  })

  describe('files, permissions and production.ini', () => {
    it('wsgi-script-missing: the WSGIScriptAlias target is not there', async () => {
      const site = brokenSite((c) => c.replace(/"[^"]*\/hellotg\.wsgi"/, '"/srv/nowhere/hellotg.wsgi"'))
      const report = await doctor({site})
      expect(ids(report), JSON.stringify(report.findings)).toContain('wsgi-script-missing')
    })

    it('wsgi-script-unreadable: a mode-700 directory on the way (the /root classic), named in the finding', async () => {
      const srv = path.join(root, 'srv')
      chmodSync(srv, 0o700)
      try {
        const report = await doctor()
        expect(ids(report), JSON.stringify(report.findings)).toContain('wsgi-script-unreadable')
        expect(finding(report, 'wsgi-script-unreadable')!.message).toContain(`www-data lacks search (x) permission on the directory ${srv} (mode 700`)
        expect(finding(report, 'wsgi-script-unreadable')!.fix).toMatch(new RegExp(`^chmod o\\+x ${srv} `))
      } finally {
        chmodSync(srv, 0o755)
      }
    })

    it('dir-not-writable: the egg cache owned by root', async () => {
      const eggs = path.join(venvRoot, 'hellotg', 'python-eggs')
      const {uid, gid} = statSync(eggs)
      chownSync(eggs, 0, 0)
      try {
        const report = await doctor()
        expect(ids(report), JSON.stringify(report.findings)).toEqual(['dir-not-writable'])
        expect(finding(report, 'dir-not-writable')!.fix).toContain(`install -d -o www-data -g www-data -m 750 ${eggs}`)
      } finally {
        chownSync(eggs, uid, gid)
      }
    })

    it('dir-not-writable: the ini\'s cache_dir not writable by the daemon user', async () => {
      const data = path.join(project, 'data')
      const {uid, gid} = statSync(data)
      chownSync(data, 0, 0)
      try {
        const report = await doctor()
        expect(ids(report), JSON.stringify(report.findings)).toEqual(['dir-not-writable'])
        expect(finding(report, 'dir-not-writable')!.where).toBe(data)
      } finally {
        chownSync(data, uid, gid)
      }
    })

    it('debug-enabled: the effective debug is true (the "set" line removed)', async () => {
      const ini = path.join(project, 'production.ini')
      const report = await withEdited(ini, (t) => t.replace('set debug = false', ''), () => doctor())
      expect(ids(report), JSON.stringify(report.findings)).toEqual(['debug-enabled'])
      expect(report.exitCode).toBe(2)
    })

    it('placeholder-secret: a quickstart session secret', async () => {
      const ini = path.join(project, 'production.ini')
      const report = await withEdited(ini, (t) => t.replace(/beaker\.session\.secret = \w+/, 'beaker.session.secret = changeme'), () => doctor())
      expect(ids(report), JSON.stringify(report.findings)).toEqual(['placeholder-secret'])
      expect(report.exitCode).toBe(1)
    })

    it('development-ini and ini-missing: the .wsgi loads development.ini, then a path that does not exist', async () => {
      const wsgi = path.join(project, 'apache', 'hellotg.wsgi')
      copyFileSync(path.join(project, 'production.ini'), path.join(project, 'development.ini'))
      const dev = await withEdited(wsgi, (t) => t.replace(/production\.ini"/, 'development.ini"'), () => doctor())
      expect(ids(dev)).toEqual(['development-ini'])
      const missing = await withEdited(wsgi, (t) => t.replace(/production\.ini"/, 'nosuch.ini"'), () => doctor())
      expect(ids(missing)).toEqual(['ini-missing'])
    })
  })

  describe('the live site (--url) on a private Apache', () => {
    let url: string

    beforeAll(async () => {
      apache = new ApacheServer(path.join(root, 'server'), port, siteFile)
      await apache.start()
      url = `http://127.0.0.1:${port}/app`
    })

    it('finds nothing wrong with the running site', async () => {
      const report = await doctor({url, host: HOST})
      expect(report.findings).toEqual([])
      expect(report.checks.find((c) => c.name === 'live')!.status).toBe('ok')
    })

    it('check-unreachable and app-not-answering: nothing listens at --url', async () => {
      const report = await doctor({url: `http://127.0.0.1:${await freePort()}/app`, host: HOST})
      expect(ids(report), JSON.stringify(report.findings)).toEqual(['check-unreachable', 'app-not-answering'])
    })

    it('venv-not-first: an app virtualenv for another Python version (after a graceful restart)', async () => {
      const lib = path.join(venvRoot, 'hellotg', 'lib')
      const [pyDir] = run(['ls', lib]).stdout.trim().split('\n')
      renameSync(path.join(lib, pyDir), path.join(lib, 'python3.99'))
      try {
        await apache.graceful()
        const report = await doctor({url, host: HOST})
        expect(ids(report), JSON.stringify(report.findings)).toContain('venv-not-first')
        expect(ids(report), JSON.stringify(report.findings)).toContain('app-not-answering')
        expect(finding(report, 'venv-not-first')!.message).toMatch(/does not exist/)
      } finally {
        renameSync(path.join(lib, 'python3.99'), path.join(lib, pyDir))
        await apache.graceful()
      }
    })

    it('wrong-process-group: the smoke check served by another daemon group', async () => {
      const otherPort = await freePort()
      const site = brokenSite((c) => c
        .replaceAll(`*:${port}>`, `*:${otherPort}>`)
        .replace('WSGIRestrictEmbedded On\n', `WSGIRestrictEmbedded On\nWSGIDaemonProcess other user=www-data group=www-data threads=1 request-timeout=60 python-home=${venvRoot}/BASELINE\n`)
        .replace(/(_tgdeploy_check \S+ process-group=)hellotg/, '$1other'))
      const other = new ApacheServer(path.join(root, 'server2'), otherPort, site)
      await other.start()
      try {
        const report = await doctor({site, url: `http://127.0.0.1:${other.port}/app`, host: HOST})
        expect(ids(report), JSON.stringify(report.findings)).toEqual(['wrong-process-group'])
        expect(finding(report, 'wrong-process-group')!.message).toMatch(/"other", not "hellotg"/)
      } finally {
        await other.stop()
      }
    })
  })

  describe('the command', () => {
    it('prints each finding with its fix and exits 2 on errors; --json has the same findings', () => {
      const site = brokenSite((c) => c.replace('lang=C.UTF-8', 'lang=xx_XX.UTF-8'))
      const text = tgdeploy(['doctor', '--cwd', project, '--site', site])
      expect(text.status).toBe(2)
      expect(text.stdout).toMatch(/ERROR locale-missing: lang=xx_XX\.UTF-8 .*\n {2}at: {2}.*hellotg\.conf:\d+\n {2}fix: use lang=C\.UTF-8/)
      expect(text.stdout).toMatch(/1 error\(s\), 0 warning\(s\)/)
      const json = tgdeploy(['doctor', '--cwd', project, '--site', site, '--json'])
      expect(json.status).toBe(2)
      const report = JSON.parse(json.stdout) as DoctorReport
      expect(report.findings.map((f) => f.id)).toEqual(['locale-missing'])
      expect(report.exitCode).toBe(2)
    })

    it('refuses a --site path that could not be written into the private config', async () => {
      await expect(doctor({site: '/tmp/x"\nLoadModule evil /tmp/evil.so'})).rejects.toThrow(/--site: .* contains/)
    })

    it('exits 0 on the healthy deployment and 2 naming the flag on a bad --url', () => {
      const ok = tgdeploy(['doctor', '--cwd', project])
      expect(ok.status, ok.stdout + ok.stderr).toBe(0)
      expect(ok.stdout).toContain('No problems found.')
      const bad = tgdeploy(['doctor', '--cwd', project, '--url', 'ftp://x'])
      expect(bad.status).toBe(2)
      expect(bad.stderr).toMatch(/--url: "ftp:\/\/x" is not an http\(s\) URL/)
    })
  })
})
