/**
 * The one module that writes generated files. Each file is written atomically (temp
 * file + rename); a manifest of what we wrote lets a re-run tell our own untouched
 * files (safe to replace) from files the user edited (kept unless --force, and then
 * backed up first). Conflicts are found before anything is written.
 * Plain node:fs: this runs on every modwsgi call and fs-extra costs ~35 modules at start-up.
 */
import {randomBytes} from 'node:crypto'
import fs from 'node:fs'
import * as path from 'node:path'

import {UserError} from './errors.js'
import {type RenderedFile, sha256} from './modwsgi/render.js'

export const MANIFEST = '.tgdeploy-manifest.json'

export type FileStatus = 'create' | 'unchanged' | 'update' | 'conflict' | 'force'

export interface FileOutcome {
  path: string
  mode: string
  sha256: string
  status: FileStatus
  backup?: string
}

interface Manifest {
  generator: 'tgdeploy'
  files: Record<string, string>
}

function readManifest(dir: string): Manifest {
  try {
    const m = JSON.parse(fs.readFileSync(path.join(dir, MANIFEST), 'utf8')) as Manifest
    if (m && m.generator === 'tgdeploy' && typeof m.files === 'object') return m
  } catch {
    // no manifest yet, or unreadable: every existing file counts as the user's
  }
  return {generator: 'tgdeploy', files: {}}
}

function atomicWrite(file: string, content: string, mode: number): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`)
  try {
    fs.writeFileSync(tmp, content, {mode, flag: 'wx'})
    fs.chmodSync(tmp, mode)
    fs.renameSync(tmp, file)
  } catch (error) {
    fs.rmSync(tmp, {force: true})
    throw error
  }
}

function backupName(file: string): string {
  for (let n = 0; ; n++) {
    const candidate = `${file}.bak${n ? `.${n}` : ''}`
    if (!fs.existsSync(candidate)) return candidate
  }
}

/** What writing `files` into `dir` would do, file by file. Reads only. */
export function planWrites(dir: string, files: RenderedFile[], force: boolean): FileOutcome[] {
  const manifest = readManifest(dir)
  return files.map((f) => {
    const target = path.join(dir, f.path)
    const hash = sha256(f.content)
    const mode = `0${f.mode.toString(8)}`
    if (!fs.existsSync(target)) return {path: f.path, mode, sha256: hash, status: 'create'}
    const existing = sha256(fs.readFileSync(target, 'utf8'))
    if (existing === hash) return {path: f.path, mode, sha256: hash, status: 'unchanged'}
    if (manifest.files[f.path] === existing) return {path: f.path, mode, sha256: hash, status: 'update'}
    return {path: f.path, mode, sha256: hash, status: force ? 'force' : 'conflict'}
  })
}

/** Write the files as planned; refuses (writing nothing) when any file was edited by the user and force is off. */
export function applyWrites(dir: string, files: RenderedFile[], outcomes: FileOutcome[]): FileOutcome[] {
  const conflicts = outcomes.filter((o) => o.status === 'conflict')
  if (conflicts.length) {
    throw new UserError(
      `${conflicts.map((c) => path.join(dir, c.path)).join(', ')}: changed since tgdeploy wrote ${conflicts.length === 1 ? 'it' : 'them'} (or not written by tgdeploy); nothing was written`,
      'move your changes elsewhere, or re-run with --force (the current files are kept as .bak)', 'EDITED_FILE')
  }
  if (outcomes.every((o) => o.status === 'unchanged') && fs.existsSync(path.join(dir, MANIFEST))) return outcomes
  fs.mkdirSync(dir, {recursive: true})
  const manifest = readManifest(dir)
  const result = outcomes.map((o, i) => {
    const target = path.join(dir, o.path)
    if (o.status === 'unchanged') return o
    let backup: string | undefined
    if (o.status === 'force') {
      backup = backupName(target)
      fs.copyFileSync(target, backup)
    }
    atomicWrite(target, files[i].content, files[i].mode)
    return backup ? {...o, backup} : o
  })
  for (const o of outcomes) manifest.files[o.path] = o.sha256
  atomicWrite(path.join(dir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`, 0o644)
  return result
}
