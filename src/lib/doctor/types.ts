import type {ApacheInstall} from '../apache/system.js'
import type {Section} from '../apache/config.js'
import type {ModWsgiPython} from '../python/modwsgi-python.js'
import type {SystemUser} from '../system/access.js'
import type {readAppIni} from './checks/ini.js'
import type {SiteModel, WsgiScriptFacts} from './site.js'

export type Severity = 'error' | 'warning'

export interface Finding {
  id: string
  severity: Severity
  /** One line: what is wrong and what it does to the site. */
  message: string
  /** The exact fix: a command or the line to write. */
  fix: string
  /** file:line or a path, when there is one. */
  where?: string
}

export interface DoctorInput {
  cwd: string
  output: string
  site?: string
  apacheRoot?: string
  moduleDirs: string[]
  url?: string
  host?: string
  timeoutMs: number
}

export interface DoctorContext {
  input: DoctorInput
  siteFile: string
  site: SiteModel
  install: ApacheInstall
  installed: boolean
  /** The system instance's main config and enabled sites, without the site itself. */
  systemTrees: Section[]
  modWsgi: ModWsgiPython | null
  /** Each WSGIScriptAlias target that could be read. */
  scripts: WsgiScriptFacts[]
  /** The application's script (the one that is not the smoke check). */
  appScript: WsgiScriptFacts | null
  /** The user Apache's own processes run as (serves static files, stats scripts). */
  apacheUser: string
  user(name: string): SystemUser | null
  /** The app script's ini, read once (checks/ini.ts readAppIni). */
  appIni(): ReturnType<typeof readAppIni>
}

export type CheckResult = Finding[] | {skipped: string}

export interface Check {
  name: string
  title: string
  run(ctx: DoctorContext): CheckResult | Promise<CheckResult>
}

export interface CheckOutcome {
  name: string
  title: string
  status: 'ok' | Severity | 'skipped'
  note?: string
}

export interface DoctorReport {
  site: string
  installed: boolean
  checks: CheckOutcome[]
  findings: Finding[]
  errors: number
  warnings: number
  /** 0 clean, 1 warnings only, 2 errors. */
  exitCode: 0 | 1 | 2
}
