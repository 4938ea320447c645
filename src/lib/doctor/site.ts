/**
 * What a site config says about a mod_wsgi deployment, as plain data: daemon
 * groups, which groups are selected, script aliases, static aliases, access rules.
 */
import {existsSync, readFileSync} from 'node:fs'
import * as path from 'node:path'

import {directives, type Directive, is, options, type Section, where} from '../apache/config.js'

export interface DaemonGroup {
  name: string
  options: Record<string, string>
  where: string
  inVirtualHost: boolean
}

export interface ScriptAlias {
  url: string
  target: string
  options: Record<string, string>
  where: string
}

export interface GroupSelection {
  group: string
  where: string
  via: 'WSGIProcessGroup' | 'process-group='
}

export interface SiteModel {
  file: string
  tree: Section
  daemons: DaemonGroup[]
  selections: GroupSelection[]
  scriptAliases: ScriptAlias[]
  aliases: {url: string; target: string; where: string}[]
  /** Server-scope-only directives found inside a <VirtualHost>. */
  serverScopeInVhost: Directive[]
  /** Order / Allow / Deny / Satisfy: Apache 2.2 access control. */
  accessCompat: Directive[]
  documentRoots: {path: string; where: string}[]
  /** WSGIPythonHome at server scope (embedded mode's interpreter). */
  pythonHome: {path: string; where: string} | null
}

const SERVER_SCOPE_ONLY = ['WSGIPythonHome', 'WSGIPythonPath', 'WSGIRestrictEmbedded', 'WSGISocketPrefix', 'WSGIPythonOptimize', 'WSGILazyInitialization']
const ACCESS_COMPAT = ['Order', 'Allow', 'Deny', 'Satisfy']

export function siteModel(file: string, tree: Section): SiteModel {
  const model: SiteModel = {
    file, tree, daemons: [], selections: [], scriptAliases: [], aliases: [], serverScopeInVhost: [], accessCompat: [], documentRoots: [], pythonHome: null,
  }
  for (const {directive: d, ancestors} of directives(tree)) {
    const inVhost = ancestors.some((a) => is(a, 'VirtualHost'))
    if (is(d, 'WSGIDaemonProcess') && d.args[0]) {
      model.daemons.push({name: d.args[0], options: options(d.args.slice(1)), where: where(d), inVirtualHost: inVhost})
    } else if (is(d, 'WSGIProcessGroup') && d.args[0]) {
      model.selections.push({group: d.args[0], where: where(d), via: 'WSGIProcessGroup'})
    } else if ((is(d, 'WSGIScriptAlias') || is(d, 'WSGIScriptAliasMatch')) && d.args.length >= 2) {
      const opts = options(d.args.slice(2))
      model.scriptAliases.push({url: d.args[0], target: d.args[1], options: opts, where: where(d)})
      if (opts['process-group']) model.selections.push({group: opts['process-group'], where: where(d), via: 'process-group='})
    } else if (is(d, 'WSGIImportScript')) {
      const group = options(d.args.slice(1))['process-group']
      if (group) model.selections.push({group, where: where(d), via: 'process-group='})
    } else if (is(d, 'Alias') && d.args.length >= 2) {
      model.aliases.push({url: d.args[0], target: d.args[1], where: where(d)})
    } else if (is(d, 'DocumentRoot') && d.args[0]) {
      model.documentRoots.push({path: d.args[0], where: where(d)})
    } else if (is(d, 'WSGIPythonHome') && d.args[0] && !inVhost) {
      model.pythonHome = {path: d.args[0], where: where(d)}
    }
    if (inVhost && SERVER_SCOPE_ONLY.some((n) => is(d, n))) model.serverScopeInVhost.push(d)
    if (ACCESS_COMPAT.some((n) => is(d, n))) model.accessCompat.push(d)
  }
  return model
}

/** What tgdeploy's generated .wsgi files (or a hand-written one, as far as it can be read) point at. */
export interface WsgiScriptFacts {
  file: string
  generatedByTgdeploy: boolean
  appVenv: string | null
  configFile: string | null
  appName: string | null
  eggCache: string | null
}

function assignedString(source: string, name: string): string | null {
  const m = new RegExp(`^${name} = ("(?:[^"\\\\]|\\\\.)*")$`, 'm').exec(source)
  if (!m) return null
  try {
    return JSON.parse(m[1]) as string
  } catch {
    return null
  }
}

export function readWsgiScript(file: string): WsgiScriptFacts | null {
  if (!existsSync(file)) return null
  let source: string
  try {
    source = readFileSync(file, 'utf8')
  } catch {
    return null
  }
  const generated = /written by tgdeploy/.test(source.split('\n', 3).join('\n'))
  const appVenv = assignedString(source, 'APP_VENV')
  const configFile = assignedString(source, 'CONFIG_FILE') ?? /['"]config:([^'"]+)['"]/.exec(source)?.[1] ?? null
  const eggCache = assignedString(source, 'EGG_CACHE') ?? /PYTHON_EGG_CACHE'\]\s*=\s*("(?:[^"\\]|\\.)*")/.exec(source)?.[1]?.slice(1, -1) ?? (appVenv ? path.join(appVenv, 'python-eggs') : null)
  return {file, generatedByTgdeploy: generated, appVenv, configFile, appName: assignedString(source, 'APP_NAME'), eggCache}
}

