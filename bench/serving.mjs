#!/usr/bin/env node
/**
 * Benchmarks 2 and 5: the bundled example app behind each stack, all running at
 * once on loopback ports, measured in interleaved rounds with wrk. Prints req/s,
 * p50, p99, errors, requests per server CPU-second (medians), the ratio of
 * tgdeploy's default to the best other stack, and the mod_wsgi daemons' memory.
 *   node bench/serving.mjs [--seconds 10] [--runs 3] [--connections 16] [--only key,key]
 */
import * as path from 'node:path'

import {
  apacheVariant, benchOptions, freePort, generateSite, Gunicorn, HOST, inScratchProject, measureVariants, memory, Nginx, pidsNamed, table,
} from './lib.mjs'

const opts = benchOptions({only: {type: 'string'}})

/** mod_wsgi-express's server settings for 1 process x 5 threads (its template: KeepAlive Off, MaxMemFree, MPM sized from max-clients 20). */
const EXPRESS_SERVER = [
  'Timeout 60', 'KeepAlive Off', 'MaxMemFree 64', 'ListenBacklog 500', 'ServerLimit 2', 'ThreadLimit 10', 'StartServers 1',
  'MaxRequestWorkers 20', 'MinSpareThreads 10', 'MaxSpareThreads 10', 'ThreadsPerChild 10', 'MaxConnectionsPerChild 0', 'ThreadStackSize 262144',
]
const DAEMON_CONFIGS = [
  ['default', 'tgdeploy default: daemon 2x5', []],
  ['p1t5', 'tgdeploy --processes 1 (1x5)', ['--processes', '1']],
  ['p1t15', 'tgdeploy --processes 1 --threads 15', ['--processes', '1', '--threads', '15']],
  ['p2t15', 'tgdeploy --threads 15 (2x15)', ['--threads', '15']],
]

const vhost = (port, lines) => [`<VirtualHost *:${port}>`, `    ServerName ${HOST}`, ...lines.map((l) => `    ${l}`), '</VirtualHost>'].join('\n')

await inScratchProject({}, async (env, started) => {
  const variants = []
  for (const [key, label, flags] of DAEMON_CONFIGS) {
    const port = await freePort()
    variants.push({...apacheVariant(env, key, label, port, {body: `Include "${generateSite(env, port, key, flags)}"`}), daemon: key})
  }
  const wsgi = path.join(env.project, 'apache-default', 'default.wsgi')
  const grant = [`<Directory ${path.dirname(wsgi)}>`, '    Require all granted', '</Directory>']
  let port = await freePort()
  variants.push({...apacheVariant(env, 'express', 'mod_wsgi-express defaults (1x5) as a site', port, {
    server: EXPRESS_SERVER,
    body: [
      'WSGIRestrictEmbedded On',
      `WSGIDaemonProcess express display-name=%{GROUP} user=www-data group=www-data home=${env.project} threads=5 maximum-requests=0 python-home=${path.join(env.venvRoot, 'hellotg')} lang=C.UTF-8 locale=C.UTF-8 listen-backlog=100 queue-timeout=45 socket-timeout=60 connect-timeout=15 request-timeout=60 inactivity-timeout=0 deadlock-timeout=60 graceful-timeout=15 shutdown-timeout=5`,
      'WSGIPassAuthorization On',
      vhost(port, [
        `WSGIScriptAlias /app ${wsgi} process-group=express application-group=%{GLOBAL}`,
        `WSGIImportScript ${wsgi} process-group=express application-group=%{GLOBAL}`,
        ...grant,
      ]),
    ].join('\n'),
  }), daemon: 'express'})
  port = await freePort()
  variants.push(apacheVariant(env, 'embedded', 'embedded mode (Debian MPM defaults)', port, {body: [
    `WSGIPythonHome ${path.join(env.venvRoot, 'BASELINE')}`,
    'WSGIApplicationGroup %{GLOBAL}',
    vhost(port, [`CustomLog ${env.logs}/embedded-access.log combined`, `WSGIScriptAlias /app ${wsgi}`, ...grant]),
  ].join('\n')}))
  for (const [key, label, args] of [
    ['gthread', 'nginx -> gunicorn gthread 5 workers', ['--worker-class', 'gthread', '--workers', '5', '--threads', '1']],
    ['sync', 'nginx -> gunicorn sync 5 workers', ['--worker-class', 'sync', '--workers', '5']],
  ]) {
    port = await freePort()
    const gunicorn = new Gunicorn(env, path.join(env.root, `gunicorn-${key}`), args)
    const nginx = new Nginx(path.join(env.root, `nginx-${key}`), port, {
      upstream: `upstream app { server unix:${gunicorn.socket}; }`,
      server: 'location /app { proxy_pass http://app; proxy_set_header Host $host; proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for; }',
    })
    variants.push({key, label, url: `http://127.0.0.1:${port}/app/`, roots: () => [nginx.pid(), gunicorn.pid()], server: {
      async start() {
        await gunicorn.start()
        await nginx.start()
      },
      async stop() {
        await nginx.stop()
        await gunicorn.stop()
      },
    }})
  }
  const chosen = opts.only ? variants.filter((v) => opts.only.split(',').includes(v.key)) : variants
  const daemonMemory = () => Object.fromEntries(chosen.filter((v) => v.daemon).map((v) => {
    const pids = pidsNamed(new RegExp(`^\\(wsgi:${v.daemon}\\)`))
    return [v.key, {processes: pids.length, ...memory(pids)}]
  }))
  let idle = null
  const rows = await measureVariants(chosen, {...opts, started, afterStart: () => {
    idle = daemonMemory()
  }})
  const loaded = daemonMemory()
  console.log(`Serving the example app: wrk -t2 -c${opts.connections} -d${opts.seconds}s on loopback, median of ${opts.runs} interleaved rounds`)
  console.log(table(rows, ['stack', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'req per server CPU-s']))
  const mine = rows.find((r) => r.key === 'default')
  const others = rows.filter((r) => !DAEMON_CONFIGS.some(([key]) => key === r.key))
  if (mine && others.length) {
    const best = (column) => others.reduce((a, b) => (b[column] > a[column] ? b : a))
    for (const column of ['req/s', 'req per server CPU-s']) {
      console.log(`tgdeploy default / best other stack by ${column} (${best(column).stack}): x${(mine[column] / best(column)[column]).toFixed(2)}`)
    }
  }
  console.log('\nMemory of the mod_wsgi daemon processes (found by display-name), idle after start-up and after the runs')
  console.log(table(chosen.filter((v) => v.daemon).map((v) => ({
    stack: v.label, processes: loaded[v.key].processes,
    'idle RSS MB': idle[v.key].rss.toFixed(0), 'idle PSS MB': idle[v.key].pss.toFixed(0),
    'loaded RSS MB': loaded[v.key].rss.toFixed(0), 'loaded PSS MB': loaded[v.key].pss.toFixed(0),
  })), ['stack', 'processes', 'idle RSS MB', 'idle PSS MB', 'loaded RSS MB', 'loaded PSS MB']))
})
