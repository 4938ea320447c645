import {Args} from '@oclif/core'

import {BaseCommand} from '../base-command.js'
import {type IniInspection, inspectConfig, summarize} from '../lib/ini/inspect.js'

export default class Inspect extends BaseCommand {
  static override summary = 'Show how PasteDeploy reads a production.ini.'
  static override description = `Reads FILE exactly as Python's PasteDeploy does (ConfigParser rules, [DEFAULT], %(here)s interpolation, use = egg:/config:/section, pipelines, filter-with, set/get) and shows the main application: the sections that lead to it, its egg and entry point, and the settings that matter for a deployment. A file Python would reject is rejected with FILE:LINE and the fix (exit code 2).

With --json it prints every section's own keys after interpolation (a key whose interpolation fails holds {"error": KIND}) and the effective configuration of the main app.`

  static override examples = [
    {description: 'Summarise ./production.ini', command: '<%= config.bin %> <%= command.id %>'},
    {description: 'Everything Python sees, as JSON', command: '<%= config.bin %> <%= command.id %> myapp/production.ini --json'},
  ]

  static override args = {
    file: Args.string({description: 'the PasteDeploy .ini file', default: 'production.ini'}),
  }

  async run(): Promise<IniInspection> {
    const {args} = await this.parse(Inspect)
    const inspection = inspectConfig(args.file)
    const summary = summarize(inspection)
    this.log(inspection.file)
    if ('error' in summary) {
      this.log(`  main app: PasteDeploy cannot load it: ${summary.error}`)
      return inspection
    }
    this.log(`  main app:    [${summary.section}]  (via ${summary.chain.map((s) => `[${s}]`).join(' -> ')})`)
    this.log(`  egg:         ${summary.egg ?? '-'}${summary.entryPoint ? `  entry point: ${summary.entryPoint}` : ''}`)
    this.log(`  debug:       ${summary.debug ?? '(not set)'}`)
    this.log(`  full_stack:  ${summary.fullStack ?? '(not set)'}`)
    for (const [k, v] of Object.entries(summary.dataDirs)) this.log(`  data dir:    ${k} = ${v}`)
    for (const [k, v] of Object.entries(summary.databaseUrls)) this.log(`  database:    ${k} = ${v}`)
    this.log(`  logging:     ${summary.logging ? '[loggers] present: the .wsgi sets up logging from this file' : 'no [loggers] section'}`)
    return inspection
  }
}
