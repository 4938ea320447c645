/**
 * The Apache installation on this machine, read-only: its config directory
 * (Debian /etc/apache2 or RHEL /etc/httpd), binary, envvars, enabled modules,
 * enabled sites. Nothing here starts, stops or reloads anything.
 */
import {existsSync, readdirSync, realpathSync} from 'node:fs'
import * as path from 'node:path'

import {run} from '../spawn.js'
import {ApacheSyntaxError, directives, is, readApacheConfig, type Section} from './config.js'

const CONFIG_ROOTS = ['/etc/apache2', '/etc/httpd']
const BINARIES = ['/usr/sbin/apache2', '/usr/sbin/httpd', '/usr/local/apache2/bin/httpd']

export interface ApacheInstall {
  /** Config directory (ServerRoot of the system instance), or null when none was found. */
  root: string | null
  /** The main config file inside it. */
  mainConfig: string | null
  binary: string | null
  /** APACHE_* variables from Debian's envvars (httpd needs them to read the config). */
  vars: Record<string, string>
  debianLayout: boolean
}

function envvars(root: string): Record<string, string> {
  const file = path.join(root, 'envvars')
  if (!existsSync(file)) return {}
  // envvars is a shell script: let a shell evaluate it, as apache2ctl does
  const r = run(['sh', '-c', '. "$1" >/dev/null 2>&1; env', 'sh', file], {env: {PATH: process.env.PATH, APACHE_CONFDIR: root}, timeoutMs: 10_000})
  const vars: Record<string, string> = {}
  for (const line of r.stdout.split('\n')) {
    const eq = line.indexOf('=')
    if (eq > 0 && line.startsWith('APACHE_')) vars[line.slice(0, eq)] = line.slice(eq + 1)
  }
  return vars
}

export function detectApache(rootFlag?: string): ApacheInstall {
  const root = rootFlag ? path.resolve(rootFlag) : CONFIG_ROOTS.find((r) => existsSync(r)) ?? null
  const mainConfig = root === null ? null : ['apache2.conf', 'conf/httpd.conf', 'httpd.conf'].map((f) => path.join(root, f)).find((f) => existsSync(f)) ?? null
  return {
    root,
    mainConfig,
    binary: BINARIES.find((b) => existsSync(b)) ?? null,
    vars: root ? envvars(root) : {},
    debianLayout: root !== null && existsSync(path.join(root, 'mods-enabled')),
  }
}

function filesIn(dir: string, suffix: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir).filter((f) => f.endsWith(suffix)).sort().map((f) => path.join(dir, f))
}

/** The config files the system instance reads besides the main one (not following Include further). */
export function includedConfigs(install: ApacheInstall): {modules: string[]; sites: string[]} {
  if (!install.root) return {modules: [], sites: []}
  const r = install.root
  return {
    modules: [...filesIn(path.join(r, 'mods-enabled'), '.load'), ...filesIn(path.join(r, 'conf.modules.d'), '.conf')],
    sites: [...filesIn(path.join(r, 'sites-enabled'), '.conf'), ...filesIn(path.join(r, 'conf-enabled'), '.conf'), ...filesIn(path.join(r, 'conf.d'), '.conf')],
  }
}

export function tryRead(file: string, vars: Record<string, string>): Section | null {
  try {
    return readApacheConfig(file, vars)
  } catch (error) {
    if (error instanceof ApacheSyntaxError || (error as NodeJS.ErrnoException).code) return null
    throw error
  }
}

/** Does the system instance load mod_wsgi (LoadModule wsgi_module in an enabled file)? */
export function wsgiEnabled(install: ApacheInstall): boolean {
  const files = [...includedConfigs(install).modules, ...(install.mainConfig ? [install.mainConfig] : [])]
  return files.some((f) => {
    const tree = tryRead(f, install.vars)
    if (!tree) return false
    for (const {directive} of directives(tree)) if (is(directive, 'LoadModule') && directive.args[0] === 'wsgi_module') return true
    return false
  })
}

function realOrNull(p: string): string | null {
  try {
    return realpathSync(p)
  } catch {
    return null
  }
}

/** Is this file one of the enabled sites/confs of the system instance? */
export function isInstalled(install: ApacheInstall, siteFile: string): boolean {
  const target = realOrNull(siteFile)
  return target !== null && includedConfigs(install).sites.some((f) => realOrNull(f) === target)
}

/** The system instance's own config trees (main file and enabled sites), parsed. */
export function systemTrees(install: ApacheInstall, except?: string): Section[] {
  const skip = except ? realOrNull(except) : null
  const files = [...(install.mainConfig ? [install.mainConfig] : []), ...includedConfigs(install).sites]
  return files.filter((f) => realOrNull(f) !== skip).map((f) => tryRead(f, install.vars)).filter((t): t is Section => t !== null)
}
