/**
 * `tgdeploy doctor` without the CLI: find the site, read what it refers to, run
 * each check, and return a report (plain data) with an exit code.
 */
import {existsSync, readdirSync, readFileSync} from 'node:fs'
import * as path from 'node:path'

import {ApacheSyntaxError, readApacheConfig, type Section} from '../apache/config.js'
import {detectApache, isInstalled, systemTrees} from '../apache/system.js'
import {UserError} from '../errors.js'
import {absolutePath} from '../validate.js'
import {detectModWsgiPython} from '../python/modwsgi-python.js'
import {lookupUser, type SystemUser} from '../system/access.js'
import {MANIFEST} from '../write-files.js'
import {configTestCheck} from './checks/configtest.js'
import {filesCheck} from './checks/files.js'
import {iniCheck, readAppIni} from './checks/ini.js'
import {liveCheck} from './checks/live.js'
import {moduleCheck, venvCheck} from './checks/modwsgi.js'
import {accessRulesCheck, daemonOptionsCheck, groupsCheck, localeCheck, siteFileCheck} from './checks/site.js'
import {readWsgiScript, siteModel} from './site.js'
import type {Check, CheckOutcome, DoctorContext, DoctorInput, DoctorReport, Finding} from './types.js'

export type {DoctorInput, DoctorReport, Finding} from './types.js'

/** In the order the report shows them: from the module outwards to the live site. */
export const CHECKS: Check[] = [moduleCheck, venvCheck, configTestCheck, groupsCheck, daemonOptionsCheck, siteFileCheck, localeCheck, filesCheck, accessRulesCheck, iniCheck, liveCheck]

/** The site config: --site, else the one .conf tgdeploy wrote into the output directory. */
export function findSiteFile(input: DoctorInput): string {
  if (input.site) {
    // it is Include'd by the private config of the config test: no quotes or ${...}
    const file = absolutePath(path.resolve(input.cwd, input.site), '--site')
    if (!existsSync(file)) throw new UserError(`--site: ${file} does not exist`, 'give the site config, e.g. --site /etc/apache2/sites-available/NAME.conf')
    return file
  }
  const dir = path.resolve(input.cwd, input.output)
  const notFound = new UserError(`no site config in ${dir}`, 'run tgdeploy modwsgi first, or give the installed site with --site /etc/apache2/sites-available/NAME.conf')
  if (!existsSync(dir)) throw notFound
  let confs = readdirSync(dir).filter((f) => f.endsWith('.conf')).sort()
  const manifest = path.join(dir, MANIFEST)
  if (confs.length > 1 && existsSync(manifest)) {
    const written = Object.keys((JSON.parse(readFileSync(manifest, 'utf8')) as {files?: Record<string, unknown>}).files ?? {})
    confs = confs.filter((c) => written.includes(c))
  }
  if (confs.length === 0) throw notFound
  if (confs.length > 1) throw new UserError(`${dir} holds several site configs (${confs.join(', ')})`, `choose one with --site ${path.join(dir, confs[0])}`)
  return path.join(dir, confs[0])
}

export function buildContext(input: DoctorInput): {ctx: DoctorContext; parseError: Finding | null} {
  const siteFile = absolutePath(findSiteFile(input), '--site')
  const install = detectApache(input.apacheRoot === undefined ? undefined : absolutePath(path.resolve(input.apacheRoot), '--apache-root'))
  for (const dir of input.moduleDirs) absolutePath(path.resolve(dir), '--modules-dir')
  let tree: Section
  let parseError: Finding | null = null
  try {
    tree = readApacheConfig(siteFile, install.vars)
  } catch (error) {
    if (!(error instanceof ApacheSyntaxError)) throw error
    parseError = {id: 'configtest-failed', severity: 'error', message: error.message, fix: 'correct the section nesting; Apache will not start with this file', where: `${error.file}:${error.line}`}
    tree = {kind: 'section', name: '', args: [], file: siteFile, line: 0, children: []}
  }
  const site = siteModel(siteFile, tree)
  const scripts = site.scriptAliases.map((a) => readWsgiScript(a.target)).filter((s) => s !== null)
  const users = new Map<string, SystemUser | null>()
  let appIni: ReturnType<DoctorContext['appIni']> | undefined
  const ctx: DoctorContext = {
    input,
    siteFile,
    site,
    install,
    installed: isInstalled(install, siteFile),
    systemTrees: systemTrees(install, siteFile),
    modWsgi: detectModWsgiPython({moduleDirs: input.moduleDirs, onlyGiven: input.moduleDirs.length > 0}),
    scripts,
    appScript: scripts.find((s) => path.basename(s.file) !== 'test.wsgi') ?? null,
    apacheUser: install.vars.APACHE_RUN_USER ?? (existsSync('/etc/debian_version') ? 'www-data' : 'apache'),
    user(name) {
      if (!users.has(name)) users.set(name, lookupUser(name))
      return users.get(name) ?? null
    },
    appIni() {
      if (appIni === undefined) appIni = readAppIni(ctx)
      return appIni
    },
  }
  return {ctx, parseError}
}

export async function runDoctor(input: DoctorInput): Promise<DoctorReport> {
  const {ctx, parseError} = buildContext(input)
  const findings: Finding[] = parseError ? [parseError] : []
  const outcomes: CheckOutcome[] = []
  for (const check of CHECKS) {
    if (parseError && check.name !== 'mod-wsgi' && check.name !== 'site-file') {
      outcomes.push({name: check.name, title: check.title, status: 'skipped', note: 'the site file cannot be read'})
      continue
    }
    const result = await check.run(ctx)
    if ('skipped' in result) {
      outcomes.push({name: check.name, title: check.title, status: 'skipped', note: result.skipped})
      continue
    }
    findings.push(...result)
    const status = result.some((f) => f.severity === 'error') ? 'error' : result.length ? 'warning' : 'ok'
    outcomes.push({name: check.name, title: check.title, status})
  }
  const errors = findings.filter((f) => f.severity === 'error').length
  const warnings = findings.length - errors
  return {site: ctx.siteFile, installed: ctx.installed, checks: outcomes, findings, errors, warnings, exitCode: errors ? 2 : warnings ? 1 : 0}
}
