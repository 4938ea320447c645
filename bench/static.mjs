#!/usr/bin/env node
/**
 * Benchmark 3b: a 10 KB file from the app's public/ through the generated config
 * (Alias, EnableSendfile On, MaxKeepAliveRequests 1000) against the same site with
 * Debian's defaults for those two, and against nginx serving the same file.
 *   node bench/static.mjs [--seconds 10] [--runs 3] [--connections 16]
 */
import * as path from 'node:path'

import {benchOptions, freePort, generatedVariant, inScratchProject, measureVariants, Nginx, table} from './lib.mjs'

const opts = benchOptions()
await inScratchProject({}, async (env, started) => {
  const debianKeepAlive = (conf) => conf.replace('MaxKeepAliveRequests 1000', 'MaxKeepAliveRequests 100')
  const variants = [
    await generatedVariant(env, 'generated', 'tgdeploy site (Alias, EnableSendfile On, MaxKeepAliveRequests 1000)'),
    await generatedVariant(env, 'debian', 'Debian defaults: EnableSendfile Off, MaxKeepAliveRequests 100', [],
      (conf) => debianKeepAlive(conf).replaceAll('EnableSendfile On', 'EnableSendfile Off')),
    await generatedVariant(env, 'keepalive100', 'the same with MaxKeepAliveRequests 100 (Apache default)', [], debianKeepAlive),
  ]
  const port = await freePort()
  const nginx = new Nginx(path.join(env.root, 'nginx'), port, {server: `location /app/ { alias ${path.join(env.project, 'hellotg', 'public')}/; }`})
  variants.push({key: 'nginx', label: 'nginx 1.22, sendfile on', url: `http://127.0.0.1:${port}/app/`, roots: () => [nginx.pid()], server: nginx})
  for (const v of variants) v.url += '10k.txt'
  const rows = await measureVariants(variants, {...opts, started})
  console.log(`10 KB static file: wrk -t2 -c${opts.connections} -d${opts.seconds}s, median of ${opts.runs} interleaved rounds`)
  console.log(table(rows, ['stack', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'req per server CPU-s']))
  const nginxRow = rows.find((r) => r.key === 'nginx')
  for (const r of rows.filter((x) => x.key !== 'nginx')) {
    console.log(`${r.stack} / nginx: x${(r['req/s'] / nginxRow['req/s']).toFixed(2)} req/s, x${(r['req per server CPU-s'] / nginxRow['req per server CPU-s']).toFixed(2)} per CPU-s`)
  }
})
