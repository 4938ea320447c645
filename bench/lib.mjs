/**
 * Shared pieces of the benchmark scripts: a project + venvs made by tgdeploy, private
 * Apache / nginx / gunicorn instances on loopback ports (each stopped by pid), wrk,
 * and CPU / memory read from /proc. Not tests: they print figures.
 */
import {spawn, spawnSync} from 'node:child_process'
import {chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import * as path from 'node:path'
import {fileURLToPath} from 'node:url'
import {parseArgs} from 'node:util'

import {freePort, PrivateApache, readPidFile, sleep, stopPid} from '../test/helpers/private-apache.mjs'

export {freePort, sleep}

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
export const HOST = 'bench.test'
const TICKS = 100 // USER_HZ on Linux

export function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options})
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr || r.stdout}`)
  return r.stdout
}

export function tgdeploy(args) {
  return run(process.execPath, [path.join(ROOT, 'bin', 'run.js'), ...args])
}

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]

/**
 * A scratch copy of the example, its venvs made and the app installed by
 * `tgdeploy venv`, slow_start set, and a 10 KB static file in public/.
 */
export function prepareProject({slowStart = 0} = {}) {
  const root = mkdtempSync(path.join(tmpdir(), 'tgdeploy-bench-'))
  chmodSync(root, 0o755)
  const project = path.join(root, 'srv', 'hellotg')
  cpSync(path.join(ROOT, 'examples', 'hellotg'), project, {recursive: true, filter: (src) => !/\/(apache|data|build|[^/]*\.egg-info)$/.test(src)})
  chmodSync(path.join(root, 'srv'), 0o755)
  const ini = path.join(project, 'production.ini')
  writeFileSync(ini, readFileSync(ini, 'utf8').replace(/^slow_start = .*$/m, `slow_start = ${slowStart}`))
  writeFileSync(path.join(project, 'hellotg', 'public', '10k.txt'), 'x'.repeat(10 * 1024))
  const venvRoot = path.join(root, 'venvs')
  tgdeploy(['venv', '--cwd', project, '--venv-root', venvRoot, '--system-site-packages', '--install', '--', '--no-index', '--no-build-isolation', '-q'])
  mkdirSync(path.join(root, 'logs'), {recursive: true})
  return {root, project, venvRoot, logs: path.join(root, 'logs')}
}

/** `tgdeploy modwsgi --name NAME` into apache-NAME/ of the project; returns the site file. */
export function generateSite(env, port, name, extra = []) {
  tgdeploy(['modwsgi', '--cwd', env.project, '--output', `apache-${name}`, '--name', name, '--venv', 'hellotg', '--mount', '/app', '--server-name', HOST,
    '--port', String(port), '--venv-root', env.venvRoot, '--log-dir', env.logs, '--force', ...extra])
  return path.join(env.project, `apache-${name}`, `${name}.conf`)
}

/** Debian's apache2.conf + mpm_event.conf defaults, the server a generated site is dropped into. */
export const DEBIAN_SERVER = [
  'Timeout 300', 'KeepAlive On', 'MaxKeepAliveRequests 100', 'KeepAliveTimeout 5',
  'StartServers 2', 'MinSpareThreads 25', 'MaxSpareThreads 75', 'ThreadLimit 64', 'ThreadsPerChild 25',
  'MaxRequestWorkers 150', 'MaxConnectionsPerChild 0',
]

/** nginx with its own prefix and pid file; `server` is the body of one server block. */
export class Nginx {
  constructor(dir, port, {upstream = '', server}) {
    this.dir = dir
    this.port = port
    mkdirSync(path.join(dir, 'logs'), {recursive: true})
    chmodSync(dir, 0o755)
    this.conf = path.join(dir, 'nginx.conf')
    this.pidFile = path.join(dir, 'nginx.pid')
    writeFileSync(this.conf, `daemon on;
pid ${this.pidFile};
worker_processes auto;
error_log ${dir}/logs/error.log warn;
events { worker_connections 1024; }
http {
    include /etc/nginx/mime.types;
    access_log ${dir}/logs/access.log;
    client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy;
    fastcgi_temp_path ${dir}/fastcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 65;
    ${upstream}
    server {
        listen 127.0.0.1:${port};
        server_name ${HOST};
        ${server}
    }
}
`)
  }

  async start() {
    run('/usr/sbin/nginx', ['-p', this.dir, '-c', this.conf])
    for (let i = 0; i < 100 && !this.pid(); i++) await sleep(50)
  }

  pid() {
    return readPidFile(this.pidFile)
  }

  async stop() {
    await stopPid(this.pid(), 'SIGQUIT')
  }
}

/** gunicorn from the app venv (Debian's gunicorn via system site-packages), on a unix socket. */
export class Gunicorn {
  constructor(env, dir, args) {
    mkdirSync(dir, {recursive: true})
    chmodSync(dir, 0o755)
    this.socket = path.join(dir, 'gunicorn.sock')
    this.pidFile = path.join(dir, 'gunicorn.pid')
    const entry = path.join(dir, 'bench_wsgi.py')
    writeFileSync(entry, `from paste.deploy import loadapp\napplication = loadapp('config:${path.join(env.project, 'production.ini')}')\n`)
    this.argv = [path.join(env.venvRoot, 'hellotg', 'bin', 'python'), '-m', 'gunicorn', '--bind', `unix:${this.socket}`, '--pid', this.pidFile,
      '--chdir', dir, '--log-level', 'warning', ...args, 'bench_wsgi:application']
  }

  async start() {
    // SCRIPT_NAME: the app is mounted at /app behind nginx, as it is under Apache
    this.child = spawn(this.argv[0], this.argv.slice(1), {stdio: 'ignore', env: {...process.env, SCRIPT_NAME: '/app'}})
    for (let i = 0; i < 200 && !existsSync(this.socket); i++) await sleep(50)
    if (!existsSync(this.socket)) throw new Error('gunicorn did not start')
  }

  pid() {
    return this.child?.pid ?? null
  }

  async stop() {
    await stopPid(this.pid())
  }
}

/** Every descendant of `root` (and root itself). */
export function processTree(root) {
  const children = new Map()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      if (!children.has(ppid)) children.set(ppid, [])
      children.get(ppid).push(Number(entry))
    } catch {
      // exited meanwhile
    }
  }
  const out = []
  const visit = (pid) => {
    out.push(pid)
    for (const c of children.get(pid) ?? []) visit(c)
  }
  visit(root)
  return out
}

/** CPU seconds (user + system, own and reaped children's) of the process trees under `roots`. */
export function cpuSeconds(roots) {
  let ticks = 0
  for (const pid of roots.flatMap(processTree)) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      // fields[11..14] are utime, stime, cutime, cstime (stat fields 14-17)
      ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])
    } catch {
      // exited meanwhile: its time moves to the parent's cutime when reaped
    }
  }
  return ticks / TICKS
}

/** Resident and proportional set size (MB) of the given processes. */
export function memory(pids) {
  let rss = 0
  let pss = 0
  for (const pid of pids) {
    try {
      const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8')
      rss += Number(/^Rss:\s+(\d+)/m.exec(rollup)[1])
      pss += Number(/^Pss:\s+(\d+)/m.exec(rollup)[1])
    } catch {
      // exited
    }
  }
  return {rss: rss / 1024, pss: pss / 1024}
}

/** Processes whose command line (argv[0], where mod_wsgi's display-name goes) matches. */
export function pidsNamed(pattern) {
  return readdirSync('/proc').filter((e) => /^\d+$/.test(e)).map(Number).filter((pid) => {
    try {
      return pattern.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0])
    } catch {
      return false
    }
  })
}

function ms(text) {
  const m = /([\d.]+)(us|ms|s|m)\b/.exec(text)
  if (!m) return null
  return Number(m[1]) * {us: 0.001, ms: 1, s: 1000, m: 60_000}[m[2]]
}

/** One wrk run; `roots` are the server's process-tree roots, for requests per server CPU-second. */
export function wrk(url, {threads = 2, connections = 16, seconds = 10, roots = [], host = HOST} = {}) {
  const before = cpuSeconds(roots)
  const out = run('wrk', [`-t${threads}`, `-c${connections}`, `-d${seconds}s`, '--latency', '--timeout', '5s', '-H', `Host: ${host}`, url])
  const cpu = cpuSeconds(roots) - before
  const requests = Number(/(\d+) requests in/.exec(out)[1])
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out)
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0)
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)[1]),
    p50: ms(/^\s+50%\s+(\S+)/m.exec(out)[1]),
    p99: ms(/^\s+99%\s+(\S+)/m.exec(out)[1]),
    errors: non2xx + (socket ? socket.slice(1).reduce((a, b) => a + Number(b), 0) : 0),
    requests,
    perCpuSecond: cpu > 0 ? requests / cpu : null,
  }
}

/** GET until it answers 200 (the daemon may still be loading the app). */
export async function waitOk(url, host = HOST, timeoutMs = 30_000) {
  const until = Date.now() + timeoutMs
  for (;;) {
    try {
      const r = await get(url, host)
      if (r.status === 200) return
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error(`${url} did not answer 200`)
    await sleep(100)
  }
}

export async function get(url, host = HOST) {
  const http = await import('node:http')
  const started = performance.now()
  return new Promise((resolve, reject) => {
    const req = http.request(url, {headers: {Host: host}, agent: false}, (res) => {
      res.resume()
      res.on('end', () => resolve({status: res.statusCode, ms: performance.now() - started}))
    })
    req.setTimeout(30_000, () => req.destroy(new Error('timeout')))
    req.on('error', reject)
    req.end()
  })
}

export function cleanup(root) {
  rmSync(root, {recursive: true, force: true})
}

export function table(rows, columns) {
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)))
  const line = (cells) => `| ${cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`
  return [line(columns), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map((r) => line(columns.map((c) => r[c])))].join('\n')
}

/**
 * Start every variant, warm each up, then measure them in interleaved rounds (so
 * noise hits all alike) and return median figures per variant, in order.
 * A variant: {key, label, url, server: {start, stop, log?}, roots: () => pids}.
 */
export async function measureVariants(variants, {seconds = 10, runs = 3, connections = 16, started = [], afterStart = () => {}} = {}) {
  for (const v of variants) {
    started.push(v.server)
    await v.server.start()
    try {
      await waitOk(v.url)
    } catch (error) {
      throw new Error(`${v.label}: ${error.message}\n${v.server.log?.().slice(-2000) ?? ''}`)
    }
  }
  await sleep(1000)
  afterStart()
  for (const v of variants) wrk(v.url, {seconds: 2, connections, roots: v.roots()})
  const results = Object.fromEntries(variants.map((v) => [v.key, []]))
  for (let round = 0; round < runs; round++) {
    for (const v of variants) results[v.key].push(wrk(v.url, {seconds, connections, roots: v.roots()}))
  }
  return variants.map((v) => {
    const rs = results[v.key]
    return {
      key: v.key, stack: v.label,
      'req/s': Math.round(median(rs.map((r) => r.rps))),
      'p50 ms': median(rs.map((r) => r.p50)).toFixed(2),
      'p99 ms': median(rs.map((r) => r.p99)).toFixed(2),
      'max p99 ms': Math.max(...rs.map((r) => r.p99)).toFixed(2),
      errors: rs.reduce((a, r) => a + r.errors, 0),
      'req per server CPU-s': Math.round(median(rs.map((r) => r.perCpuSecond ?? 0))),
    }
  })
}

/** Options shared by the scripts: --seconds, --runs, --connections. */
export function benchOptions(extra = {}) {
  const {values} = parseArgs({options: {
    seconds: {type: 'string', default: '10'}, runs: {type: 'string', default: '3'}, connections: {type: 'string', default: '16'}, ...extra,
  }})
  return {...values, seconds: Number(values.seconds), runs: Number(values.runs), connections: Number(values.connections)}
}

/** The tests' private Apache, with the server settings a benchmark gives it (Debian's by default) and LogLevel warn. */
export class Apache extends PrivateApache {
  constructor(root, port, {server = DEBIAN_SERVER, body}) {
    super(root, port, {server, body, logLevel: 'warn'})
  }
}

export function apacheVariant(env, key, label, port, {server, body}) {
  const apache = new Apache(path.join(env.root, `httpd-${key}`), port, {server, body})
  return {key, label, url: `http://127.0.0.1:${port}/app/`, roots: () => [apache.pid()], server: apache}
}

/** A variant serving a site `tgdeploy modwsgi FLAGS` wrote (optionally edited), on a fresh port. */
export async function generatedVariant(env, key, label, flags = [], edit = null) {
  const port = await freePort()
  const site = generateSite(env, port, key, flags)
  if (edit) writeFileSync(site, edit(readFileSync(site, 'utf8')))
  return apacheVariant(env, key, label, port, {body: `Include "${site}"`})
}

/** Run `body(env, started)` in a scratch project; every server in `started` is stopped and the project removed afterwards. */
export async function inScratchProject(options, body) {
  const env = prepareProject(options)
  const started = []
  try {
    await body(env, started)
  } finally {
    for (const s of started.reverse()) await s.stop()
    cleanup(env.root)
  }
}
