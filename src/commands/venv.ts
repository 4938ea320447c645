import {Flags} from '@oclif/core'

import {BaseCommand} from '../base-command.js'
import {daemonWritableDirs, defaultSiteName} from '../lib/modwsgi/plan.js'
import {readProject} from '../lib/project.js'
import {detectModWsgiPython} from '../lib/python/modwsgi-python.js'
import {layoutFlags} from '../lib/shared-flags.js'
import {absolutePath} from '../lib/validate.js'
import {applyVenvPlan, choosePython, planVenvs, type VenvPlan} from '../lib/venv/index.js'

export interface VenvResult extends VenvPlan {
  dryRun: boolean
}

export default class Venv extends BaseCommand {
  static override summary = 'Make the baseline and application virtualenvs with the Python mod_wsgi actually runs.'
  static override description = `Finds the installed mod_wsgi, the libpython it links (ldd) and the interpreter that owns that library, then makes:
  <venv-root>/<baseline>   an EMPTY virtualenv (no pip, no packages): mod_wsgi's python-home
  <venv-root>/<venv>       the application virtualenv, with python-eggs (and the ini's data dirs) writable by --user

Existing virtualenvs made with the right interpreter are kept; one made with another Python is an error (--recreate replaces it, and only if tgdeploy made it). Arguments after -- go to pip with --install. Uses the same --venv-root/--baseline/--venv as modwsgi, so the paths always agree.`

  static override strict = false

  static override examples = [
    {description: 'Make both virtualenvs under /usr/local/pythonenv', command: '<%= config.bin %> <%= command.id %>'},
    {description: 'Also install the project, offline from a wheel directory', command: '<%= config.bin %> <%= command.id %> --install -- --no-index --find-links /srv/wheels'},
    {description: 'Show the exact commands only', command: '<%= config.bin %> <%= command.id %> --dry-run'},
  ]

  static override flags = {
    cwd: Flags.directory({description: 'project directory', default: '.', exists: true}),
    config: Flags.string({description: 'PasteDeploy ini, relative to --cwd (for the names and data dirs)', default: 'production.ini'}),
    app: Flags.string({description: 'application section name', default: 'main'}),
    ...layoutFlags,
    'deploy-dir': Flags.string({description: 'where the project lives on the server (default: --cwd, absolute)'}),
    python: Flags.string({description: 'interpreter to use; must be the one mod_wsgi links (default: detected)'}),
    'system-site-packages': Flags.boolean({description: 'let the application virtualenv see the system\'s packages', default: false}),
    install: Flags.boolean({description: 'pip install the project into the application virtualenv (pip options after --)', default: false}),
    user: Flags.string({description: 'daemon user that must write python-eggs and the data dirs', default: 'www-data'}),
    group: Flags.string({description: 'daemon group (default: --user)'}),
    recreate: Flags.boolean({description: 'replace a virtualenv tgdeploy made with another Python', default: false}),
    'dry-run': Flags.boolean({description: 'print the commands; change nothing', default: false}),
  }

  async run(): Promise<VenvResult> {
    const dashDash = this.argv.indexOf('--')
    const pipArgs = dashDash >= 0 ? this.argv.slice(dashDash + 1) : []
    const {flags} = await this.parse(Venv, dashDash >= 0 ? this.argv.slice(0, dashDash) : this.argv)
    const project = readProject(flags.cwd, flags.config, flags.app)
    const name = flags.venv ?? defaultSiteName(project.distribution)
    const deployDir = absolutePath(flags['deploy-dir'] ?? project.dir, '--deploy-dir')
    const appVenvForDirs = `${absolutePath(flags['venv-root'], '--venv-root')}/${name}`
    const detected = detectModWsgiPython()
    const python = choosePython(flags.python, detected)
    const plan = planVenvs({
      venvRoot: flags['venv-root'], baseline: flags.baseline, venv: name, python: flags.python,
      systemSitePackages: flags['system-site-packages'], install: flags.install, projectDir: deployDir, pipArgs,
      user: flags.user, group: flags.group, writableDirs: daemonWritableDirs(project, deployDir, appVenvForDirs), recreate: flags.recreate,
    }, python, detected)
    this.log(`mod_wsgi:  ${plan.modWsgi ? `${plan.modWsgi.module} -> ${plan.modWsgi.libpython}` : 'not installed'}`)
    this.log(`Python:    ${python.executable} (${python.version}, ${python.source === 'mod_wsgi' ? 'the one mod_wsgi links' : 'from --python'})`)
    for (const w of plan.warnings) this.warn(w)
    if (flags['dry-run']) {
      for (const step of plan.steps) this.log(describe(step))
      return {...plan, dryRun: true}
    }
    applyVenvPlan(plan, (step) => this.log(describe(step)), !this.jsonEnabled())
    return {...plan, dryRun: false}
  }
}

function describe(step: VenvPlan['steps'][number]): string {
  switch (step.action) {
    case 'keep': return `  keep      ${step.path}  (${step.reason})`
    case 'mkdir': return `  mkdir     ${step.path}  (owner ${step.owner}, ${step.reason})`
    default: return `  ${step.action.padEnd(9)} ${step.argv.join(' ')}`
  }
}
