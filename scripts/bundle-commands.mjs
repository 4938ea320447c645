#!/usr/bin/env node
/**
 * Build step, for start-up time (bench/cli-startup.mjs): node pays per module it
 * loads, and a plain install loads ~170 (146 of them @oclif/core and its deps).
 *  - dist/oclif.js: @oclif/core and its dependencies in one file. bin/run.js and
 *    every command import this one copy, so there is a single oclif instance.
 *  - dist/commands/*.js: each command with our modules (and fs-extra) in one file,
 *    importing oclif from ../oclif.js.
 * Source maps keep stack traces readable. `typescript` (which oclif only loads to
 * run .ts commands in development) stays outside.
 */
import {readdirSync} from 'node:fs'
import {createRequire} from 'node:module'
import * as path from 'node:path'
import {fileURLToPath} from 'node:url'

import {build} from 'esbuild'

const dist = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist')
// CommonJS code in an ES module bundle needs require, __filename and __dirname
const banner = [
  "import {createRequire as __tgRequire} from 'node:module';",
  "import {fileURLToPath as __tgPath} from 'node:url';",
  "import {dirname as __tgDirname} from 'node:path';",
  'const require = __tgRequire(import.meta.url);',
  'const __filename = __tgPath(import.meta.url);',
  'const __dirname = __tgDirname(__filename);',
].join(' ')
const common = {bundle: true, platform: 'node', format: 'esm', target: 'node20', sourcemap: true, banner: {js: banner}, logLevel: 'warning'}

// @oclif/core is CommonJS: name its exports so the bundle has real ES named exports
const names = Object.keys(createRequire(import.meta.url)('@oclif/core')).filter((n) => /^[A-Za-z_$][\w$]*$/.test(n))
const entry = `import * as core from '@oclif/core'\nexport const {${names.join(', ')}} = core\n`
await build({...common, stdin: {contents: entry, resolveDir: path.join(dist, '..'), loader: 'js'}, outfile: path.join(dist, 'oclif.js'), external: ['typescript']})

/** Every @oclif/core import of a command goes to the shared bundle. */
const sharedOclif = {
  name: 'shared-oclif',
  setup(b) {
    b.onResolve({filter: /^@oclif\/core$/}, () => ({path: '../oclif.js', external: true}))
  },
}
const commands = path.join(dist, 'commands')
for (const file of readdirSync(commands).filter((f) => f.endsWith('.js'))) {
  const target = path.join(commands, file)
  await build({...common, entryPoints: [target], outfile: target, allowOverwrite: true, plugins: [sharedOclif], external: ['typescript']})
}
