import {readdirSync, statSync} from 'node:fs'
import * as path from 'node:path'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'

import {havePasteDeploy, ourView, pythonView, sharedCorpus} from '../helpers/oracle.js'

const here = path.dirname(fileURLToPath(import.meta.url))

function iniFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name)
    if (statSync(p).isDirectory()) return iniFiles(p)
    return name === 'MANIFEST.tsv' ? [] : [p]
  }).sort()
}

const python = havePasteDeploy()

describe.runIf(python)('agreement with Python PasteDeploy', () => {
  it('every fixture under test/ini/fixtures reads the same as Python reads it', () => {
    const files = iniFiles(path.join(here, 'fixtures'))
    expect(files.length).toBeGreaterThan(20)
    const py = pythonView(files)
    for (const f of files) expect({file: f, view: ourView(f)}).toEqual({file: f, view: py[f]})
  })

  const corpus = sharedCorpus()
  it.runIf(corpus)('every file of ../shared/ini-corpus reads the same as Python reads it (100%)', () => {
    const files = iniFiles(corpus!)
    expect(files.length).toBeGreaterThanOrEqual(135)
    const py = pythonView(files)
    const disagree = files.filter((f) => JSON.stringify(ourView(f)) !== JSON.stringify(py[f]))
    for (const f of disagree) expect({file: f, view: ourView(f)}).toEqual({file: f, view: py[f]})
    const rejected = files.filter((f) => 'rejected' in py[f])
    expect(rejected.length).toBe(19)
    expect(disagree).toEqual([])
  })
})
