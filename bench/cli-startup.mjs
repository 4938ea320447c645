#!/usr/bin/env node
/**
 * Benchmark 1: CLI start-up. `tgdeploy modwsgi --dry-run --json` on the bundled
 * example against bare `node -e 0`, runs interleaved so machine noise hits both;
 * prints medians and the ratio (target: at most 2.5).
 *   node bench/cli-startup.mjs [runs]        (default 21; needs `npm run build`)
 */
import {spawnSync} from 'node:child_process'
import * as path from 'node:path'
import {fileURLToPath} from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const runs = Number(process.argv[2] ?? 21)
const commands = {
  'node -e 0': [process.execPath, ['-e', '0']],
  'tgdeploy modwsgi --dry-run --json': [process.execPath, [path.join(root, 'bin', 'run.js'), 'modwsgi', '--dry-run', '--json', '--cwd', path.join(root, 'examples', 'hellotg')]],
  'tgdeploy --version': [process.execPath, [path.join(root, 'bin', 'run.js'), '--version']],
}
const times = Object.fromEntries(Object.keys(commands).map((k) => [k, []]))
for (let i = 0; i < runs + 2; i++) {
  for (const [name, [cmd, args]] of Object.entries(commands)) {
    const started = process.hrtime.bigint()
    const r = spawnSync(cmd, args, {stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8'})
    const ms = Number(process.hrtime.bigint() - started) / 1e6
    if (r.status !== 0) throw new Error(`${name} failed: ${r.stderr}`)
    if (i >= 2) times[name].push(ms) // two warm-up rounds fill the page cache
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const base = median(times['node -e 0'])
console.log(`CLI start-up, ${runs} interleaved runs each, median (min-max) ms, ratio to bare node`)
for (const [name, xs] of Object.entries(times)) {
  console.log(`  ${name.padEnd(36)} ${median(xs).toFixed(0).padStart(5)} (${Math.min(...xs).toFixed(0)}-${Math.max(...xs).toFixed(0)})  x${(median(xs) / base).toFixed(2)}`)
}
