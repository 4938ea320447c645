#!/usr/bin/env node
/**
 * Build step: bundle each compiled command with the modules it imports (our lib,
 * ejs, fs-extra) into one file, leaving @oclif/core outside. oclif then loads one
 * file per command instead of ~25 modules: start-up is what users feel on every
 * call (bench/cli-startup.mjs). Source maps keep stack traces readable.
 */
import {readdirSync} from 'node:fs'
import * as path from 'node:path'
import {fileURLToPath} from 'node:url'

import {build} from 'esbuild'

const commands = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'commands')
for (const file of readdirSync(commands).filter((f) => f.endsWith('.js'))) {
  const target = path.join(commands, file)
  await build({
    entryPoints: [target],
    outfile: target,
    allowOverwrite: true,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: true,
    external: ['@oclif/core', '@oclif/core/*'],
    // ejs and fs-extra are CommonJS: give the bundle a require()
    banner: {js: "import {createRequire as __tgdeployRequire} from 'node:module'; const require = __tgdeployRequire(import.meta.url);"},
    logLevel: 'warning',
  })
}
