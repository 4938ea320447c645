/**
 * A private Apache 2.4 + mod_wsgi on a loopback port: own ServerRoot, PidFile and
 * WSGISocketPrefix, Debian's `<Directory />` default, never the system instance,
 * never port 80, stopped by pid. Shared by the tests (helpers/apache.ts) and the
 * benchmarks (bench/lib.mjs), hence plain JavaScript.
 */
import {spawnSync} from 'node:child_process'
import {chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {createServer} from 'node:net'
import * as path from 'node:path'

export const APACHE = '/usr/sbin/apache2'
export const MODULES = '/usr/lib/apache2/modules'

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.listen(0, '127.0.0.1', () => {
      const {port} = server.address()
      server.close(() => resolve(port))
    })
    server.on('error', reject)
  })
}

/** The pid in a pid file, or null when there is none (yet). */
export function readPidFile(file) {
  try {
    return Number(readFileSync(file, 'utf8').trim()) || null
  } catch {
    return null
  }
}

/** SIGTERM (or `signal`), wait up to 15 s for the process to go, then SIGKILL. */
export async function stopPid(pid, signal = 'SIGTERM') {
  if (!pid) return
  try {
    process.kill(pid, signal)
  } catch {
    return
  }
  for (let i = 0; i < 300; i++) {
    try {
      process.kill(pid, 0)
    } catch {
      return
    }
    await sleep(50)
  }
  try {
    process.kill(pid, 'SIGKILL')
  } catch {
    // gone meanwhile
  }
}

const load = (name, file) => `LoadModule ${name} ${MODULES}/${file}`

export class PrivateApache {
  /**
   * @param {string} root server root, made mode 755 (the daemon user must reach its sockets)
   * @param {number} port loopback port
   * @param {{include?: string, body?: string, server?: string[], logLevel?: string}} options
   *   include: a site file to Include; body: config text; server: server-scope directives (MPM, keep-alive)
   */
  constructor(root, port, {include, body = '', server = [], logLevel = 'info'} = {}) {
    this.root = root
    this.port = port
    this.confFile = path.join(root, 'httpd.conf')
    this.pidFile = path.join(root, 'httpd.pid')
    this.logDir = path.join(root, 'logs')
    this.errorLog = path.join(this.logDir, 'error.log')
    mkdirSync(this.logDir, {recursive: true})
    chmodSync(root, 0o755)
    writeFileSync(this.confFile, [
      `ServerRoot "${root}"`, `DefaultRuntimeDir "${root}"`, `PidFile "${this.pidFile}"`,
      `Listen 127.0.0.1:${port}`, 'ServerName 127.0.0.1', 'User www-data', 'Group www-data',
      `ErrorLog "${this.errorLog}"`, `LogLevel ${logLevel}`,
      load('mpm_event_module', 'mod_mpm_event.so'), load('authz_core_module', 'mod_authz_core.so'),
      load('authz_host_module', 'mod_authz_host.so'), load('alias_module', 'mod_alias.so'),
      load('mime_module', 'mod_mime.so'), load('wsgi_module', 'mod_wsgi.so'),
      'TypesConfig /etc/mime.types', 'LogFormat "%h %l %u %t \\"%r\\" %>s %O" combined',
      '<Directory />', '    AllowOverride None', '    Require all denied', '</Directory>',
      `WSGISocketPrefix "${root}/wsgi"`, ...server, body, ...(include ? [`Include "${include}"`] : []), '',
    ].join('\n'))
  }

  /** `apache2 -t` on this config. */
  configTest() {
    const r = spawnSync(APACHE, ['-f', this.confFile, '-t'], {encoding: 'utf8'})
    return {ok: r.status === 0, output: `${r.stdout}${r.stderr}`}
  }

  #signal(action) {
    const r = spawnSync(APACHE, ['-f', this.confFile, '-k', action], {encoding: 'utf8'})
    if (r.status !== 0) throw new Error(`apache2 -k ${action} failed: ${r.stderr}${r.stdout}`)
  }

  async start() {
    this.#signal('start')
    await this.waitFor(() => this.pid() !== null, 'the pid file')
  }

  graceful() {
    this.#signal('graceful')
  }

  pid() {
    return readPidFile(this.pidFile)
  }

  async stop() {
    await stopPid(this.pid())
  }

  log() {
    return existsSync(this.errorLog) ? readFileSync(this.errorLog, 'utf8') : ''
  }

  async waitFor(cond, what, timeoutMs = 15_000) {
    const until = Date.now() + timeoutMs
    while (!cond()) {
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}\n${this.log().slice(-3000)}`)
      await sleep(50)
    }
  }
}
