/**
 * From a project and the user's choices to a deployment plan: plain, deterministic
 * data (no timestamps, no temp paths) that `--json` prints, `--dry-run` shows and the
 * renderer turns into files. Every value is validated here, once.
 */
import * as path from 'node:path'

import {UserError} from '../errors.js'
import {appWritableDirs} from '../ini/inspect.js'
import {iniRisks} from '../ini/safety.js'
import type {Project} from '../project.js'
import {
  absolutePath, hostName, ipOrCidr, localeName, positiveInt, siteName, systemName, urlPath, warmupPath,
} from '../validate.js'

/** What the user asked for, as the command's flags give it (unvalidated). */
export interface DeployRequest {
  output: string
  mount: string
  serverName?: string
  serverAliases: string[]
  port: number
  deployDir?: string
  venvRoot: string
  baseline: string
  venv?: string
  name?: string
  user: string
  group?: string
  processes: number
  threads: number
  maximumRequests: number
  locale: string
  static: string[]
  warmup?: string[]
  checkAllow: string[]
  logDir: string
  defaultVhost: boolean
  allowDebug: boolean
}

/** mod_wsgi-express's timeouts (seconds): hung requests end instead of piling up. */
export const TIMEOUTS = {
  'request-timeout': 60,
  'queue-timeout': 45,
  'socket-timeout': 60,
  'connect-timeout': 15,
  'startup-timeout': 15,
  'deadlock-timeout': 60,
  'graceful-timeout': 15,
  'shutdown-timeout': 5,
} as const

export interface StaticAlias {
  url: string
  path: string
  isDir: boolean
}

export interface Deployment {
  name: string
  distribution: string
  appName: string
  /** Paths on the server. */
  paths: {
    deployDir: string
    config: string
    scriptDir: string
    wsgiScript: string
    checkScript: string
    venvRoot: string
    baselineVenv: string
    appVenv: string
    eggCache: string
    logDir: string
    writableDirs: string[]
  }
  mount: string
  checkUrl: string
  checkAllow: string[]
  serverName: string | null
  serverAliases: string[]
  port: number
  defaultVhost: boolean
  daemon: {
    user: string
    group: string
    processes: number
    threads: number
    maximumRequests: number
    locale: string
    timeouts: typeof TIMEOUTS
  }
  staticAliases: StaticAlias[]
  /** Directories granted to everyone (static files). */
  staticDirs: string[]
  warmup: string[]
  logging: boolean
  urls: {app: string; check: string}
  warnings: string[]
}

/** Map a path in the checkout (as %(here)s made it) to where it will be on the server. */
function onServer(p: string, projectDir: string, deployDir: string): string {
  const rel = path.relative(projectDir, p)
  return rel.startsWith('..') || path.isAbsolute(rel) ? p : path.join(deployDir, rel)
}

function safetyWarnings(project: Project, config: Record<string, string>, request: DeployRequest): string[] {
  const warnings: string[] = []
  for (const risk of iniRisks(project.configFile, config, project.main.section)) {
    if (risk.id === 'debug-enabled') {
      if (!request.allowDebug) throw new UserError(risk.message, `${risk.fix}, or pass --allow-debug if this is a private test server`)
      warnings.push(`debug = ${config.debug}: the interactive debugger is on (allowed by --allow-debug); never expose this site publicly`)
    } else if (risk.id === 'placeholder-secret') {
      warnings.push(`${risk.message}: ${risk.fix}`)
    } else {
      warnings.push(`${risk.message}; ${risk.fix}`)
    }
  }
  return warnings
}

/** The site, daemon and (by default) app virtualenv name: the distribution name, lower-cased. */
export function defaultSiteName(distribution: string): string {
  return distribution.toLowerCase().replace(/[^a-z0-9_.-]/g, '-')
}

/** Directories the daemon user must be able to write: the egg cache, then the ini's data dirs and sqlite dirs, on the server. */
export function daemonWritableDirs(project: Project, deployDir: string, appVenv: string): string[] {
  const dirs = [path.join(appVenv, 'python-eggs'), ...appWritableDirs(project.main.config)].map((p) => onServer(p, project.dir, deployDir))
  return [...new Set(dirs)]
}

export function buildDeployment(project: Project, request: DeployRequest): Deployment {
  const config = project.main.config
  const warnings = safetyWarnings(project, config, request)

  const mount = urlPath(request.mount, '--mount')
  const name = siteName(request.name ?? defaultSiteName(project.distribution), '--name')
  const deployDir = absolutePath(request.deployDir ?? project.dir, '--deploy-dir')
  const venvRoot = absolutePath(request.venvRoot, '--venv-root')
  const baselineVenv = absolutePath(path.join(venvRoot, siteName(request.baseline, '--baseline')), '--baseline')
  const appVenv = absolutePath(path.join(venvRoot, siteName(request.venv ?? name, '--venv')), '--venv')
  if (baselineVenv === appVenv) throw new UserError('--venv: the application virtualenv must differ from the baseline', `use --venv ${name}`)
  const outputAbs = path.resolve(project.dir, request.output)
  const relOutput = path.relative(project.dir, outputAbs)
  const scriptDir = absolutePath(relOutput.startsWith('..') ? outputAbs : path.join(deployDir, relOutput), '--output')
  const configOnServer = absolutePath(onServer(project.configFile, project.dir, deployDir), '--config')
  const user = systemName(request.user, '--user')
  const group = systemName(request.group ?? user, '--group')
  const serverName = request.serverName === undefined ? null : hostName(request.serverName, '--server-name')
  const serverAliases = request.serverAliases.map((a) => hostName(a, '--server-alias', true))
  if (serverAliases.length && serverName === null) throw new UserError('--server-alias needs --server-name', 'add --server-name example.com')
  const port = positiveInt(request.port, '--port', 1, 65_535)
  const logDir = request.logDir === '${APACHE_LOG_DIR}' ? request.logDir : absolutePath(request.logDir, '--log-dir')

  const prefix = mount === '/' ? '' : mount
  const checkUrl = `${prefix}/_tgdeploy_check`
  const staticAliases: StaticAlias[] = []
  const staticDirs: string[] = []
  if (project.publicDir) {
    const publicOnServer = absolutePath(path.join(deployDir, project.publicDir), 'public/')
    for (const entry of project.publicEntries) {
      // a name that cannot be written safely is skipped with a warning rather than refused
      try {
        staticAliases.push({url: urlPath(`${prefix}/${entry.name}`, 'public/'), path: absolutePath(path.join(publicOnServer, entry.name), 'public/'), isDir: entry.isDir})
      } catch {
        warnings.push(`public/${entry.name}: name not usable in an Apache config; it will be served by the app instead`)
      }
    }
    if (project.publicEntries.length) staticDirs.push(publicOnServer)
  } else {
    warnings.push('no public/ directory found next to the package: static files will be served by Python')
  }
  for (const spec of request.static) {
    const eq = spec.indexOf('=')
    if (eq < 1) throw new UserError(`--static: ${JSON.stringify(spec)} is not URL=DIR`, 'write it as --static /app/media=/srv/media')
    const url = urlPath(spec.slice(0, eq), '--static')
    const dir = absolutePath(spec.slice(eq + 1), '--static')
    if (staticAliases.some((a) => a.url === url) || url === mount) throw new UserError(`--static: ${url} is already used`, 'choose another URL')
    staticAliases.push({url, path: dir, isDir: true})
    staticDirs.push(dir)
  }
  // more specific URLs first: Apache takes the first alias that matches
  staticAliases.sort((a, b) => b.url.length - a.url.length || (a.url < b.url ? -1 : 1))

  const writableDirs = daemonWritableDirs(project, deployDir, appVenv)
  for (const dir of writableDirs.slice(1)) {
    if (dir === deployDir || dir.startsWith(`${deployDir}/`)) {
      warnings.push(`${dir} (from ${path.basename(project.configFile)}) is inside the code directory: the daemon user must be able to write there; consider a path under /var/lib`)
    }
  }

  const hostForUrl = serverName ?? 'localhost'
  const base = `http://${hostForUrl}${port === 80 ? '' : `:${port}`}`
  return {
    name,
    distribution: project.distribution,
    appName: project.appName,
    paths: {
      deployDir,
      config: configOnServer,
      scriptDir,
      wsgiScript: path.join(scriptDir, `${name}.wsgi`),
      checkScript: path.join(scriptDir, 'test.wsgi'),
      venvRoot,
      baselineVenv,
      appVenv,
      eggCache: path.join(appVenv, 'python-eggs'),
      logDir,
      writableDirs,
    },
    mount,
    checkUrl,
    checkAllow: request.checkAllow.map((ip) => ipOrCidr(ip, '--check-allow')),
    serverName,
    serverAliases,
    port,
    defaultVhost: serverName !== null && request.defaultVhost,
    daemon: {
      user,
      group,
      processes: positiveInt(request.processes, '--processes', 1, 256),
      threads: positiveInt(request.threads, '--threads', 1, 512),
      maximumRequests: positiveInt(request.maximumRequests, '--maximum-requests', 0, 10_000_000),
      locale: localeName(request.locale, '--locale'),
      timeouts: TIMEOUTS,
    },
    staticAliases,
    staticDirs,
    warmup: (request.warmup ?? []).map((p) => warmupPath(p, '--warmup')),
    logging: 'loggers' in project.sections,
    urls: {app: `${base}${mount}`, check: `${base}${checkUrl}`},
    warnings,
  }
}
