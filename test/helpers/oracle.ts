import {execFileSync} from 'node:child_process'
import {existsSync} from 'node:fs'
import * as path from 'node:path'
import {fileURLToPath} from 'node:url'

import {IniSyntaxError} from '../../src/lib/ini/configparser.js'
import {inspectConfig, type IniInspection} from '../../src/lib/ini/inspect.js'

const ORACLE = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'oracle', 'ini_oracle.py')
export const SYSTEM_PYTHON = '/usr/bin/python3'

/** True when Debian's Python with python3-pastedeploy is there. Under CI its absence is a failure, not a skip. */
export function havePasteDeploy(): boolean {
  try {
    execFileSync(SYSTEM_PYTHON, ['-c', 'import paste.deploy.loadwsgi'], {stdio: 'ignore'})
    return true
  } catch {
    if (process.env.CI) throw new Error('CI needs /usr/bin/python3 with python3-pastedeploy (apt-get install python3-pastedeploy)')
    return false
  }
}

export type Comparable =
  | {rejected: {type: string; line: number}}
  | {file: string; sections: IniInspection['sections']; main: {error: true} | Record<string, unknown>}

/** Python's view of each file, in the shape `inspect --json` prints. */
export function pythonView(files: string[]): Record<string, Comparable> {
  if (files.length === 0) return {}
  const out = execFileSync(SYSTEM_PYTHON, [ORACLE, ...files], {
    encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: {...process.env, PYTHONUTF8: '1'},
  })
  const raw = JSON.parse(out) as Record<string, any>
  return Object.fromEntries(Object.entries(raw).map(([f, v]) => [f, v.main?.error ? {...v, main: {error: true}} : v]))
}

/** Our view of a file, comparable with pythonView (error messages are compared by presence only). */
export function ourView(file: string): Comparable {
  try {
    const r = inspectConfig(file)
    if ('error' in r.main) return {file: r.file, sections: r.sections, main: {error: true}}
    const {section, use, egg, entryPoint, config} = r.main
    return {file: r.file, sections: r.sections, main: {section, use, egg, entryPoint, config}}
  } catch (error) {
    if (error instanceof IniSyntaxError) return {rejected: {type: error.kind, line: error.line}}
    throw error
  }
}

export function sharedCorpus(): string | undefined {
  const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'ini-corpus')
  return existsSync(dir) ? dir : undefined
}
