/**
 * Deployment → file contents, in memory. All quoting happens here, before the
 * templates see a value; templates only place already-safe strings.
 */
import {createHash} from 'node:crypto'
import {existsSync, readFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import * as path from 'node:path'
import {fileURLToPath} from 'node:url'

import {apacheOption, apacheQuoted, pyString} from '../validate.js'
import type {Deployment} from './plan.js'

/** The package root: found upwards from this file, which the build bundles elsewhere in dist/. */
const PACKAGE_ROOT = (() => {
  let dir = path.dirname(fileURLToPath(import.meta.url))
  while (!existsSync(path.join(dir, 'templates', 'modwsgi', 'site.conf.ejs')) && path.dirname(dir) !== dir) dir = path.dirname(dir)
  return dir
})()
const TEMPLATES = path.join(PACKAGE_ROOT, 'templates', 'modwsgi')
/** Written by scripts/compile-templates.mjs at build time. */
const COMPILED = path.join(PACKAGE_ROOT, 'dist', 'templates', 'modwsgi')
const EJS_OPTIONS = {strict: true, _with: false, localsName: 'it'} as const
// a local require: ejs is loaded only when a template has no up-to-date compiled form
const requireAtRuntime = createRequire(import.meta.url)

let compiledAllowed = true
/** Tests compare both paths; nothing else turns the compiled templates off. */
export function useCompiledTemplates(on: boolean): void {
  compiledAllowed = on
}

interface CompiledTemplate {
  sha256: string
  render(view: object): string
}

export interface RenderedFile {
  /** Relative to the output directory. */
  path: string
  mode: number
  content: string
}

/**
 * Render a template with its build-time compiled function when that was compiled
 * from this very source (same sha256), else with ejs itself (tests from src/, or an
 * edited template): the same output, without loading and compiling ejs on every call.
 */
function render(template: string, view: object): string {
  const file = path.join(TEMPLATES, template)
  const source = readFileSync(file, 'utf8')
  const compiledFile = path.join(COMPILED, template.replace(/\.ejs$/, '.cjs'))
  if (compiledAllowed && existsSync(compiledFile)) {
    const compiled = requireAtRuntime(compiledFile) as CompiledTemplate
    if (compiled.sha256 === sha256(source)) return compiled.render(view)
  }
  const ejs = requireAtRuntime('ejs') as typeof import('ejs')
  return ejs.render(source, view, {...EJS_OPTIONS, filename: file})
}

/** Single-quote for a POSIX shell when needed (validated paths never contain a quote). */
function sh(value: string): string {
  return /^[A-Za-z0-9_./=:@,+-]+$/.test(value) ? value : `'${value}'`
}

function daemonOptions(d: Deployment): string[] {
  const {daemon, paths} = d
  const options = [
    'display-name=%{GROUP}',
    `user=${daemon.user}`,
    `group=${daemon.group}`,
    // with one process mod_wsgi-express leaves processes= out: wsgi.multiprocess stays False
    ...(daemon.processes > 1 ? [`processes=${daemon.processes}`] : []),
    `threads=${daemon.threads}`,
    apacheOption('python-home', paths.baselineVenv),
    apacheOption('home', paths.deployDir),
    `lang=${daemon.locale}`,
    `locale=${daemon.locale}`,
    `maximum-requests=${daemon.maximumRequests}`,
    ...Object.entries(daemon.timeouts).map(([k, v]) => `${k}=${v}`),
  ]
  return options
}

function checkRequire(d: Deployment): string[] {
  return ['Require local', ...d.checkAllow.map((ip) => `Require ip ${ip}`)]
}

export function renderSiteConf(d: Deployment): string {
  const body = render('_body.conf.ejs', {
    name: d.name,
    mount: d.mount,
    checkUrl: d.checkUrl,
    checkAllowText: checkAllowText(d),
    checkScript: apacheQuoted(d.paths.checkScript),
    wsgiScript: apacheQuoted(d.paths.wsgiScript),
    wsgiFile: apacheQuoted(path.basename(d.paths.wsgiScript)),
    scriptDir: apacheQuoted(d.paths.scriptDir),
    scriptDirShown: d.paths.scriptDir,
    checkRequire: checkRequire(d),
    aliases: d.staticAliases.map((a) => ({url: a.url, path: apacheQuoted(a.path)})),
    staticDirs: d.staticDirs.map(apacheQuoted),
  })
  const logFile = (kind: string) => apacheQuoted(`${d.paths.logDir}/${d.name}-${kind}.log`)
  return render('site.conf.ejs', {
    name: d.name,
    distribution: d.distribution,
    daemonOptions: daemonOptions(d),
    body,
    vhost: d.serverName === null ? null : {
      port: d.port,
      serverName: d.serverName,
      serverAliases: d.serverAliases,
      defaultVhost: d.defaultVhost,
      unknownHostName: `unknown-host.${d.name}.invalid`,
      errorLog: logFile('error'),
      accessLog: logFile('access'),
    },
  })
}

function pythonValues(d: Deployment) {
  return {
    appVenv: pyString(d.paths.appVenv),
    config: pyString(d.paths.config),
    appName: pyString(d.appName),
    deployDir: pyString(d.paths.deployDir),
    eggCache: pyString(d.paths.eggCache),
    distribution: pyString(d.distribution),
    name: pyString(d.name),
    scriptName: pyString(d.mount === '/' ? '' : d.mount),
    host: pyString(d.serverName ?? 'localhost'),
    port: pyString(String(d.port)),
    warmup: `[${d.warmup.map(pyString).join(', ')}]`,
  }
}

export function renderAppWsgi(d: Deployment): string {
  return render('app.wsgi.ejs', {
    name: d.name, distribution: d.distribution, logging: d.logging, warmup: d.warmup,
    py: pythonValues(d), activate: render('_activate.py.ejs', {}).trimEnd(),
  })
}

export function renderTestWsgi(d: Deployment): string {
  return render('test.wsgi.ejs', {
    name: d.name, checkUrl: d.checkUrl, py: pythonValues(d), activate: render('_activate.py.ejs', {}).trimEnd(),
  })
}

function checkAllowText(d: Deployment): string {
  return ['this host', ...d.checkAllow].join(', ')
}

export function renderReadme(d: Deployment, configName: string): string {
  const local = (url: string) => url.replace(/^http:\/\/[^/]+/, `http://127.0.0.1${d.port === 80 ? '' : `:${d.port}`}`)
  const title = `Deploying ${d.distribution} on Apache httpd + mod_wsgi`
  return render('README.txt.ejs', {
    title,
    distribution: d.distribution,
    appName: d.appName,
    configName,
    name: d.name,
    paths: d.paths,
    user: d.daemon.user,
    group: d.daemon.group,
    urls: d.urls,
    checkAllowText: checkAllowText(d),
    sh: {
      deployDir: sh(d.paths.deployDir),
      baselineVenv: sh(d.paths.baselineVenv),
      appVenv: sh(d.paths.appVenv),
      venvRoot: sh(d.paths.venvRoot),
      writableDirs: d.paths.writableDirs.map(sh),
      confFile: sh(path.join(d.paths.scriptDir, `${d.name}.conf`)),
    },
    hostHeader: d.serverName === null ? '' : ` -H ${sh(`Host: ${d.serverName}`)}`,
    doctorHost: d.serverName === null ? '' : ` --host ${d.serverName}`,
    localCheckUrl: local(d.urls.check),
    localAppUrl: local(d.urls.app),
    errorLogHint: d.serverName === null
      ? 'tail -n 50 /var/log/apache2/error.log      # RHEL/Fedora: /var/log/httpd/error_log'
      : `tail -n 50 ${sh(`${d.paths.logDir === '${APACHE_LOG_DIR}' ? '/var/log/apache2' : d.paths.logDir}/${d.name}-error.log`)}`,
    warnings: d.warnings,
  })
}

export function sha256(content: string): string {
  return createHash('sha256').update(content).digest('hex')
}

export function renderDeployment(d: Deployment, configName: string): RenderedFile[] {
  return [
    {path: `${d.name}.conf`, mode: 0o644, content: renderSiteConf(d)},
    {path: `${d.name}.wsgi`, mode: 0o644, content: renderAppWsgi(d)},
    {path: 'test.wsgi', mode: 0o644, content: renderTestWsgi(d)},
    {path: 'README.txt', mode: 0o644, content: renderReadme(d, configName)},
  ]
}
