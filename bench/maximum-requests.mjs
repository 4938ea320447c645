#!/usr/bin/env node
/**
 * Benchmark 4: why maximum-requests defaults to 0. The generated config with
 * maximum-requests 0 (never restart), 10000 and 1000, under the same load:
 * p99, the worst p99 of the rounds, and errors (requests lost to restarts).
 *   node bench/maximum-requests.mjs [--seconds 10] [--runs 3] [--connections 16]
 */
import {benchOptions, generatedVariant, inScratchProject, measureVariants, table} from './lib.mjs'

const opts = benchOptions()
await inScratchProject({}, async (env, started) => {
  const variants = []
  for (const n of [0, 10_000, 1000]) variants.push(await generatedVariant(env, `max${n}`, `--maximum-requests ${n}`, ['--maximum-requests', String(n)]))
  const rows = await measureVariants(variants, {...opts, started})
  console.log(`Daemon restarts under load: wrk -t2 -c${opts.connections} -d${opts.seconds}s, median of ${opts.runs} interleaved rounds`)
  console.log(table(rows, ['stack', 'req/s', 'p50 ms', 'p99 ms', 'max p99 ms', 'errors']))
})
