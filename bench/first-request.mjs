#!/usr/bin/env node
/**
 * Benchmark 3: the first request after a deploy. The example app spends 1 s in lazy
 * initialisation on its first call. After `apache2 -k graceful`, once the daemon has
 * settled, time the first request with the generated config without and with
 * --warmup, against the steady-state latency (median of 20 sequential requests).
 * With --static-first a static file is requested first after each restart (Apache's
 * own warm-up cost), then the app.
 *   node bench/first-request.mjs [--runs 3] [--static-first]
 */
import * as path from 'node:path'

import {Apache, benchOptions, freePort, generateSite, get, inScratchProject, median, sleep, table} from './lib.mjs'

const opts = benchOptions({'static-first': {type: 'boolean', default: false}})

const warmups = (apache) => (apache.log().match(/tgdeploy warm-up: GET/g) ?? []).length

async function settle(apache, warm, before) {
  if (warm) {
    for (let i = 0; i < 600 && warmups(apache) <= before; i++) await sleep(50)
    if (warmups(apache) <= before) throw new Error('no warm-up line after the restart')
  }
  // the daemon is up and has loaded the script (preloaded at start); give it a moment more
  await sleep(2000)
}

await inScratchProject({slowStart: 1}, async (env, started) => {
  const rows = []
  for (const [key, label, flags] of [['cold', 'generated, no --warmup', []], ['warm', 'generated, --warmup', ['--warmup']]]) {
    const port = await freePort()
    const apache = new Apache(path.join(env.root, `httpd-${key}`), port, {body: `Include "${generateSite(env, port, key, flags)}"`})
    started.push(apache)
    await apache.start()
    const url = `http://127.0.0.1:${port}/app/`
    await settle(apache, key === 'warm', 0)
    const firsts = []
    const staticFirsts = []
    const steadies = []
    for (let i = 0; i < opts.runs; i++) {
      const before = warmups(apache)
      apache.graceful()
      await sleep(500)
      await settle(apache, key === 'warm', before)
      // --static-first: a static file takes the first request, to show what Apache itself costs after a restart
      if (opts['static-first']) staticFirsts.push((await get(`${url}robots.txt`)).ms)
      const first = await get(url)
      if (first.status !== 200) throw new Error(`${label}: first request answered ${first.status}`)
      firsts.push(first.ms)
      const steady = []
      for (let j = 0; j < 20; j++) steady.push((await get(url)).ms)
      steadies.push(median(steady))
    }
    const first = median(firsts)
    const steady = median(steadies)
    rows.push({config: label, 'static file first ms': staticFirsts.length ? median(staticFirsts).toFixed(1) : '-', 'first request ms': first.toFixed(1), 'all firsts ms': firsts.map((f) => f.toFixed(0)).join(' '), 'steady ms': steady.toFixed(2), 'first / steady': `x${(first / steady).toFixed(1)}`})
    await apache.stop()
  }
  console.log(`First request after apache2 -k graceful (app with 1 s lazy init), median of ${opts.runs} restarts`)
  console.log(table(rows, ['config', 'static file first ms', 'first request ms', 'all firsts ms', 'steady ms', 'first / steady']))
})
