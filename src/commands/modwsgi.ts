import {Flags} from '@oclif/core'

import {BaseCommand} from '../base-command.js'
import {type ModwsgiResult, runModwsgi} from '../lib/modwsgi/index.js'
import {layoutFlags} from '../lib/shared-flags.js'

const VERB = {create: 'created', update: 'updated', unchanged: 'unchanged', force: 'replaced', conflict: 'CONFLICT'} as const

export default class Modwsgi extends BaseCommand {
  static override summary = 'Write an Apache + mod_wsgi deployment (site config, .wsgi, smoke check, README) for a PasteDeploy project.'
  static override description = `Reads the project's production.ini as PasteDeploy does and writes into --output:
  <name>.conf   the site: one mod_wsgi daemon (python-home = an empty baseline virtualenv), the app at --mount, static files served by Apache, access only to what must be reached; a <VirtualHost> with --server-name
  <name>.wsgi   adds the application virtualenv in FRONT of sys.path, sets PYTHON_EGG_CACHE, sets up logging from the ini, loads the app (and warms it up with --warmup)
  test.wsgi     a smoke check at <mount>/_tgdeploy_check (local requests only) that proves interpreter, virtualenv, sys.path order and egg cache
  README.txt    numbered, copy-pasteable steps with the real paths

Re-running with the same inputs changes nothing. A file you edited is never overwritten without --force (the old one is kept as .bak). An ini with debug = true is refused unless --allow-debug.`

  static override examples = [
    {description: 'Serve the app at /app from the main server', command: '<%= config.bin %> <%= command.id %> --mount /app'},
    {description: 'A virtual host, project deployed to /srv/hello', command: '<%= config.bin %> <%= command.id %> --server-name hello.example.com --server-alias www.hello.example.com --deploy-dir /srv/hello'},
    {description: 'Preview the plan without writing', command: '<%= config.bin %> <%= command.id %> --mount /app --dry-run --json'},
    {description: 'Warm the app up at daemon start, and serve /media from Apache', command: '<%= config.bin %> <%= command.id %> --warmup / --warmup /health --static /media=/srv/media'},
  ]

  static override flags = {
    cwd: Flags.directory({description: 'project directory (holds the ini and the Python package)', default: '.', exists: true}),
    config: Flags.string({description: 'PasteDeploy ini, relative to --cwd', default: 'production.ini'}),
    app: Flags.string({description: 'application section name to load ([app:NAME], [pipeline:NAME]...)', default: 'main'}),
    output: Flags.string({char: 'o', description: 'directory to write into, relative to --cwd', default: 'apache'}),
    mount: Flags.string({description: 'URL path the app is served at (no trailing slash)', default: '/'}),
    'server-name': Flags.string({description: 'host name: writes a <VirtualHost> for it'}),
    'server-alias': Flags.string({description: 'more host names for the virtual host (repeatable)', multiple: true, default: []}),
    port: Flags.integer({description: 'port of the virtual host', default: 80}),
    'deploy-dir': Flags.string({description: 'where the project lives on the server (default: --cwd, absolute)'}),
    ...layoutFlags,
    name: Flags.string({description: 'site and daemon process group name (default: from the egg name)'}),
    user: Flags.string({description: 'user the daemon runs as (never root)', default: 'www-data'}),
    group: Flags.string({description: 'group the daemon runs as (default: --user)'}),
    processes: Flags.integer({description: 'daemon processes (2 by default: measured 5-10% more req/s than 1 on two cores; docs/benchmarks.md)', default: 2}),
    threads: Flags.integer({description: 'threads per daemon process', default: 5}),
    'maximum-requests': Flags.integer({description: 'restart a process after this many requests (0: never; restarts under load cost p99)', default: 0}),
    locale: Flags.string({description: 'lang/locale of the daemon (must be UTF-8)', default: 'C.UTF-8'}),
    static: Flags.string({description: 'serve DIR at URL with Apache: URL=DIR (repeatable)', multiple: true, default: []}),
    warmup: Flags.string({description: 'request PATH in-process when the daemon starts (repeatable; a bare --warmup means /)', multiple: true}),
    'check-allow': Flags.string({description: 'also allow the smoke check from this IP or CIDR (repeatable)', multiple: true, default: []}),
    'log-dir': Flags.string({description: 'directory of the virtual host\'s logs', default: '${APACHE_LOG_DIR}'}),
    'default-vhost': Flags.boolean({description: 'with --server-name, also refuse requests for unknown Host names', default: true, allowNo: true}),
    'allow-debug': Flags.boolean({description: 'deploy even though the ini has debug = true (private servers only)', default: false}),
    'dry-run': Flags.boolean({description: 'show what would be written; write nothing', default: false}),
    force: Flags.boolean({description: 'overwrite files edited since tgdeploy wrote them (keeping .bak copies)', default: false}),
  }

  async run(): Promise<ModwsgiResult> {
    // `--warmup` with no path means `/`
    this.argv = this.argv.flatMap((arg, i, all) => (arg === '--warmup' && (i + 1 === all.length || all[i + 1].startsWith('-')) ? [arg, '/'] : [arg]))
    const {flags} = await this.parse(Modwsgi)
    const result = runModwsgi({
      cwd: flags.cwd,
      config: flags.config,
      app: flags.app,
      output: flags.output,
      mount: flags.mount,
      serverName: flags['server-name'],
      serverAliases: flags['server-alias'],
      port: flags.port,
      deployDir: flags['deploy-dir'],
      venvRoot: flags['venv-root'],
      baseline: flags.baseline,
      venv: flags.venv,
      name: flags.name,
      user: flags.user,
      group: flags.group,
      processes: flags.processes,
      threads: flags.threads,
      maximumRequests: flags['maximum-requests'],
      locale: flags.locale,
      static: flags.static,
      warmup: flags.warmup,
      checkAllow: flags['check-allow'],
      logDir: flags['log-dir'],
      defaultVhost: flags['default-vhost'],
      allowDebug: flags['allow-debug'],
      dryRun: flags['dry-run'],
      force: flags.force,
    })
    this.report(result)
    return result
  }

  private report(result: ModwsgiResult): void {
    const heading = result.dryRun ? `Would write to ${result.outputDir} (dry run, nothing written):` : `${result.outputDir}:`
    this.log(heading)
    for (const f of result.files) this.log(`  ${VERB[f.status].padEnd(9)} ${f.path}${f.backup ? `  (old copy: ${f.backup})` : ''}`)
    if (!result.changed) this.log('Nothing to change: the files are up to date.')
    for (const w of result.warnings) this.warn(w)
    this.log('')
    this.log(`App URL:          ${result.urls.app}`)
    this.log(`Smoke check URL:  ${result.urls.check}  (from the server itself)`)
    this.log(`Next: follow ${result.outputDir}/README.txt`)
  }
}
