import {describe, expect, it} from 'vitest'

import {getValue, IniSyntaxError, interpolatedDefaults, parseIni, pySplit, pyStrip} from '../../src/lib/ini/configparser.js'

const DEFAULTS = {here: '/srv/app', __file__: '/srv/app/production.ini'}
const parse = (text: string) => parseIni(text, 'production.ini', DEFAULTS)
const rejects = (text: string) => {
  try {
    parse(text)
  } catch (error) {
    if (error instanceof IniSyntaxError) return {kind: error.kind, line: error.line, message: error.message}
    throw error
  }
  throw new Error('accepted')
}

describe('ConfigParser rules as PasteDeploy sets them up', () => {
  it('keeps key case and splits at the first = or :', () => {
    const doc = parse('[app:main]\nUse = egg:X#main\nurl: http://h:80/a=b\n')
    expect([...doc.sections.get('app:main')!]).toEqual([['Use', 'egg:X#main'], ['url', 'http://h:80/a=b']])
  })

  it('treats # and ; as comments only at the start of a line', () => {
    const doc = parse('[a]\n# full\n  ; indented full\nk = v # not a comment ; nor this\n')
    expect(doc.sections.get('a')!.get('k')).toBe('v # not a comment ; nor this')
  })

  it('joins indented continuation lines, keeps blank lines inside, drops comment lines and trailing blanks', () => {
    const doc = parse('[a]\nk =\n    one\n\n  two\n# c\n    three\n\n\nnext = 1\n')
    expect(doc.sections.get('a')!.get('k')).toBe('\none\n\ntwo\nthree')
    expect(doc.sections.get('a')!.get('next')).toBe('1')
  })

  it('reads CRLF and lone CR line ends as Python text mode does', () => {
    expect(parse('[a]\r\nk = 1\r\n  2\r\n').sections.get('a')!.get('k')).toBe('1\n2')
    expect(parse('[a]\rk = 1\r  2\r').sections.get('a')!.get('k')).toBe('1\n2')
  })

  it('lets [DEFAULT] repeat and override here, and inherits it into every section', () => {
    const doc = parse('[DEFAULT]\nhere = /other\n[a]\nk = %(here)s/x\n[DEFAULT]\nz = 1\n')
    expect(getValue(doc, 'a', 'k')).toBe('/other/x')
    expect(getValue(doc, 'a', 'z')).toBe('1')
  })

  it('interpolates lazily, with %% and a depth limit', () => {
    const doc = parse('[a]\nx = %(y)s!\ny = 100%%\nself = %(self)s\nbad = 5%\nmissing = %(none)s\n')
    expect(getValue(doc, 'a', 'x')).toBe('100%!')
    expect(() => getValue(doc, 'a', 'self')).toThrow(/Recursion limit/)
    expect(() => getValue(doc, 'a', 'bad')).toThrow(/must be followed by/)
    expect(() => getValue(doc, 'a', 'missing')).toThrow(/'none'/)
  })

  it('falls back to the raw default when a default interpolates to empty (NicerConfigParser.defaults)', () => {
    const doc = parse('[DEFAULT]\nempty =\nref = %(empty)s\n')
    expect(interpolatedDefaults(doc).get('ref')).toBe('%(empty)s')
  })

  it('uses Python whitespace for strip and split', () => {
    expect(pyStrip('\x1c\x85 a \u3000')).toBe('a')
    expect(pyStrip('\uFEFFa')).toBe('\uFEFFa')
    expect(pySplit(' a\x1fb  c ')).toEqual(['a', 'b', 'c'])
  })
})

describe('files Python rejects are rejected with FILE:LINE and a fix', () => {
  it.each([
    ['duplicate key', '[a]\nk = 1\nk = 2\n', 'DuplicateOptionError', 3],
    ['duplicate section', '[a]\n[b]\n[a]\n', 'DuplicateSectionError', 3],
    ['duplicate key across two [DEFAULT]s', '[DEFAULT]\nk = 1\n[DEFAULT]\nk = 2\n', 'DuplicateOptionError', 4],
    ['key before any section', 'k = 1\n[a]\n', 'MissingSectionHeaderError', 1],
    ['line without = or :', '[a]\nk = 1\njust words\n', 'ParsingError', 3],
    ['a byte-order mark', '\uFEFF[a]\nk = 1\n', 'MissingSectionHeaderError', 1],
    ['an empty key', '[a]\n= value\n', 'ParsingError', 2],
  ])('%s', (_name, text, kind, line) => {
    const error = rejects(text)
    expect(error).toMatchObject({kind, line})
    expect(error.message).toMatch(new RegExp(`^production\\.ini:${line}: .+\\. .+`))
  })

  it('names the BOM and how to remove it', () => {
    expect(rejects('\uFEFF[a]\n').message).toMatch(/byte-order mark.*without a BOM/)
  })
})
