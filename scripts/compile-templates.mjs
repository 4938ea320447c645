#!/usr/bin/env node
/**
 * Build step: compile templates/modwsgi/*.ejs with ejs into plain functions in
 * dist/templates/modwsgi/*.cjs, each with the sha256 of its source. render.ts uses
 * a compiled function only when that hash matches the template on disk.
 */
import {createHash} from 'node:crypto'
import {mkdirSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import * as path from 'node:path'
import {fileURLToPath} from 'node:url'

import ejs from 'ejs'

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..')
const source = path.join(root, 'templates', 'modwsgi')
const target = path.join(root, 'dist', 'templates', 'modwsgi')
mkdirSync(target, {recursive: true})
for (const name of readdirSync(source).filter((f) => f.endsWith('.ejs'))) {
  const file = path.join(source, name)
  const text = readFileSync(file, 'utf8')
  // the same options as render.ts (EJS_OPTIONS); client: a self-contained function
  const fn = ejs.compile(text, {strict: true, _with: false, localsName: 'it', filename: file, client: true})
  const sha256 = createHash('sha256').update(text).digest('hex')
  writeFileSync(path.join(target, name.replace(/\.ejs$/, '.cjs')), `'use strict'\n// compiled from templates/modwsgi/${name} by scripts/compile-templates.mjs\nexports.sha256 = ${JSON.stringify(sha256)}\nexports.render = ${fn.toString()}\n`)
}
