/**
 * A private Apache 2.4 + mod_wsgi for tests: own ServerRoot, PidFile, loopback port
 * and WSGISocketPrefix; never the system instance, never port 80. Stopped by pid.
 */
import {execFileSync, spawnSync} from 'node:child_process'
import {existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync} from 'node:fs'
import {createServer} from 'node:net'
import * as path from 'node:path'

export const APACHE = '/usr/sbin/apache2'
const MODULES = '/usr/lib/apache2/modules'

/** Apache and mod_wsgi present? Under CI their absence fails the suite instead of skipping it. */
export function haveApache(): boolean {
  const ok = existsSync(APACHE) && existsSync(path.join(MODULES, 'mod_wsgi.so'))
  if (!ok && process.env.CI) throw new Error('CI needs apache2 and libapache2-mod-wsgi-py3 (installed by .ci/run)')
  return ok
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.listen(0, '127.0.0.1', () => {
      const {port} = server.address() as {port: number}
      server.close(() => resolve(port))
    })
    server.on('error', reject)
  })
}

export class ApacheServer {
  readonly confFile: string
  readonly pidFile: string
  readonly errorLog: string
  readonly logDir: string

  constructor(readonly root: string, readonly port: number, readonly include: string) {
    this.confFile = path.join(root, 'httpd.conf')
    this.pidFile = path.join(root, 'httpd.pid')
    this.logDir = path.join(root, 'logs')
    this.errorLog = path.join(this.logDir, 'error.log')
    mkdirSync(this.logDir, {recursive: true})
    chmodSync(root, 0o755)
    const load = (name: string, file: string) => `LoadModule ${name} ${MODULES}/${file}`
    writeFileSync(this.confFile, [
      `ServerRoot "${root}"`,
      `DefaultRuntimeDir "${root}"`,
      `PidFile "${this.pidFile}"`,
      `Listen 127.0.0.1:${port}`,
      'ServerName 127.0.0.1',
      'User www-data',
      'Group www-data',
      `ErrorLog "${this.errorLog}"`,
      'LogLevel info',
      load('mpm_event_module', 'mod_mpm_event.so'),
      load('authz_core_module', 'mod_authz_core.so'),
      load('authz_host_module', 'mod_authz_host.so'),
      load('alias_module', 'mod_alias.so'),
      load('mime_module', 'mod_mime.so'),
      load('wsgi_module', 'mod_wsgi.so'),
      'TypesConfig /etc/mime.types',
      'LogFormat "%h %l %u %t \\"%r\\" %>s %O" combined',
      `WSGISocketPrefix "${root}/wsgi"`,
      `Include "${include}"`,
      '',
    ].join('\n'))
  }

  /** `apache2 -t` on this config: [ok, output]. */
  configTest(): {ok: boolean; output: string} {
    const r = spawnSync(APACHE, ['-f', this.confFile, '-t'], {encoding: 'utf8'})
    return {ok: r.status === 0, output: `${r.stdout}${r.stderr}`}
  }

  async start(): Promise<void> {
    execFileSync(APACHE, ['-f', this.confFile, '-k', 'start'], {stdio: 'pipe'})
    await this.waitFor(() => existsSync(this.pidFile), 'the pid file')
  }

  pid(): number | null {
    try {
      return Number(readFileSync(this.pidFile, 'utf8').trim()) || null
    } catch {
      return null
    }
  }

  async graceful(): Promise<void> {
    execFileSync(APACHE, ['-f', this.confFile, '-k', 'graceful'], {stdio: 'pipe'})
  }

  async stop(): Promise<void> {
    const pid = this.pid()
    if (!pid) return
    try {
      process.kill(pid, 'SIGTERM')
    } catch {
      return
    }
    await this.waitFor(() => {
      try {
        process.kill(pid, 0)
        return false
      } catch {
        return true
      }
    }, 'Apache to stop', 15_000)
  }

  log(): string {
    return existsSync(this.errorLog) ? readFileSync(this.errorLog, 'utf8') : ''
  }

  async waitFor(cond: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
    const until = Date.now() + timeoutMs
    while (!cond()) {
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}\n${this.log().slice(-3000)}`)
      await new Promise((r) => setTimeout(r, 50))
    }
  }
}

export interface Reply {
  status: number
  body: string
  headers: Record<string, string>
  ms: number
}

/** A GET over loopback with an explicit Host header. */
export async function get(port: number, urlPath: string, host = '127.0.0.1'): Promise<Reply> {
  const http = await import('node:http')
  const started = performance.now()
  return new Promise((resolve, reject) => {
    const req = http.request({host: '127.0.0.1', port, path: urlPath, headers: {Host: host}, agent: false}, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({
        status: res.statusCode ?? 0,
        body: Buffer.concat(chunks).toString('utf8'),
        headers: res.headers as Record<string, string>,
        ms: performance.now() - started,
      }))
    })
    req.setTimeout(30_000, () => req.destroy(new Error(`GET ${urlPath} timed out`)))
    req.on('error', reject)
    req.end()
  })
}
