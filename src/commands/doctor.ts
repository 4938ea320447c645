import {Flags} from '@oclif/core'

import {BaseCommand} from '../base-command.js'
import {type DoctorReport, runDoctor} from '../lib/doctor/index.js'
import {UserError} from '../lib/errors.js'
import {hostName} from '../lib/validate.js'

const MARK = {ok: 'ok     ', warning: 'WARNING', error: 'ERROR  ', skipped: 'skipped'} as const

export default class Doctor extends BaseCommand {
  static override summary = 'Find what breaks a mod_wsgi deployment, and say how to fix it.'
  static override description = `Examines a deployment: the site config (the one tgdeploy modwsgi wrote in --output, or an installed one with --site), the virtualenvs, scripts and production.ini it refers to, and with --url the running site.

Checks: mod_wsgi installed, loaded and its libpython resolvable; python-home a virtualenv root made with mod_wsgi's Python, the baseline empty; httpd -t (on the system config when the site is enabled, else on a private config that includes it: the running server is never touched); daemon groups defined once, at server scope, and selected; no python-path to a site-packages, timeouts set, the main interpreter, no trailing slash on the mount; scripts, ini and virtualenvs reachable by the daemon user through every directory; egg cache and the ini's data dirs writable; grants present, no Apache 2.2 Order/Allow, no code inside a DocumentRoot; debug, placeholder secrets, development ini; the site file named *.conf; the daemon's locale installed; with --url, the smoke check and the app.

Exit code: 0 nothing found, 1 warnings only, 2 errors (or bad input).`

  static override examples = [
    {description: 'Check the deployment tgdeploy modwsgi wrote into ./apache', command: '<%= config.bin %> <%= command.id %>'},
    {description: 'Check an installed site and the running server', command: '<%= config.bin %> <%= command.id %> --site /etc/apache2/sites-available/hellotg.conf --url http://127.0.0.1/app --host hello.example.com'},
    {description: 'Findings as JSON (for CI or monitoring)', command: '<%= config.bin %> <%= command.id %> --json'},
  ]

  static override flags = {
    cwd: Flags.directory({description: 'project directory', default: '.', exists: true}),
    output: Flags.string({char: 'o', description: 'directory tgdeploy modwsgi wrote into, relative to --cwd', default: 'apache'}),
    site: Flags.string({description: 'the site config to examine (default: the .conf in --output)'}),
    url: Flags.string({description: 'URL of the running app (e.g. http://127.0.0.1/app): request the smoke check and the app'}),
    host: Flags.string({description: 'Host header for --url requests (check a virtual host before its DNS points here)'}),
    'apache-root': Flags.string({description: 'Apache config directory (default: /etc/apache2 or /etc/httpd)'}),
    'modules-dir': Flags.string({description: 'look for mod_wsgi only in this directory (repeatable; default: the usual module directories)', multiple: true, default: []}),
    timeout: Flags.integer({description: 'seconds to wait for each --url request', default: 10, min: 1, max: 300}),
  }

  async run(): Promise<DoctorReport> {
    const {flags} = await this.parse(Doctor)
    if (flags.url !== undefined && !/^https?:\/\/[^\s/]+/.test(flags.url)) {
      throw new UserError(`--url: ${JSON.stringify(flags.url)} is not an http(s) URL`, 'write it as --url http://127.0.0.1/app')
    }
    const report = await runDoctor({
      cwd: flags.cwd,
      output: flags.output,
      site: flags.site,
      apacheRoot: flags['apache-root'],
      moduleDirs: flags['modules-dir'],
      url: flags.url,
      host: flags.host === undefined ? undefined : hostName(flags.host, '--host'),
      timeoutMs: flags.timeout * 1000,
    })
    process.exitCode = report.exitCode
    this.report(report)
    return report
  }

  private report(report: DoctorReport): void {
    this.log(`${report.site}${report.installed ? ' (enabled in the system Apache)' : ' (not enabled in the system Apache)'}`)
    for (const check of report.checks) this.log(`  ${MARK[check.status]} ${check.title}${check.note ? `  (${check.note})` : ''}`)
    for (const f of report.findings) {
      this.log('')
      this.log(`${f.severity === 'error' ? 'ERROR' : 'WARNING'} ${f.id}: ${f.message}`)
      if (f.where) this.log(`  at:  ${f.where}`)
      this.log(`  fix: ${f.fix}`)
    }
    this.log('')
    this.log(report.findings.length ? `${report.errors} error(s), ${report.warnings} warning(s)` : 'No problems found.')
  }
}
