/**
 * Apache httpd config files as a tree, read the way httpd reads them: `#` comments
 * on lines of their own, a trailing backslash joins the next line, words split as
 * ap_getword_conf splits them (double or single quotes, backslash before the quote),
 * `<Section args>` ... `</Section>`. Include is not followed: doctor reads the files
 * it needs one by one.
 */
import {readFileSync} from 'node:fs'

export interface Directive {
  kind: 'directive'
  name: string
  args: string[]
  file: string
  line: number
}

export interface Section {
  kind: 'section'
  name: string
  args: string[]
  file: string
  line: number
  children: Node[]
}

export type Node = Directive | Section

export class ApacheSyntaxError extends Error {
  constructor(readonly file: string, readonly line: number, message: string) {
    super(`${file}:${line}: ${message}`)
    this.name = 'ApacheSyntaxError'
  }
}

/** Split the arguments of a directive as ap_getword_conf does. */
export function splitWords(text: string, vars: Record<string, string> = {}): string[] {
  const words: string[] = []
  let i = 0
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i])) i++
    if (i >= text.length) break
    const quote = text[i] === '"' || text[i] === '\'' ? text[i] : null
    let word = ''
    if (quote) {
      i++
      while (i < text.length && text[i] !== quote) {
        if (text[i] === '\\' && text[i + 1] === quote) i++
        word += text[i++]
      }
      i++
    } else {
      while (i < text.length && !/\s/.test(text[i])) {
        const q = text[i]
        // mod_wsgi's option form name="value with spaces"
        if ((q === '"' || q === '\'') && word.endsWith('=')) {
          const end = text.indexOf(q, i + 1)
          word += text.slice(i + 1, end < 0 ? text.length : end)
          i = end < 0 ? text.length : end + 1
          continue
        }
        word += text[i++]
      }
    }
    words.push(substitute(word, vars))
  }
  return words
}

/** `${VAR}` from Define/envvars; unknown ones stay as written (httpd warns and keeps them too). */
function substitute(word: string, vars: Record<string, string>): string {
  return word.replace(/\$\{([A-Za-z0-9_.]+)\}/g, (whole, name: string) => vars[name] ?? whole)
}

/** Logical lines: continuation lines joined, comments and blanks dropped, with the first line number. */
function logicalLines(text: string): {text: string; line: number}[] {
  const out: {text: string; line: number}[] = []
  const raw = text.split(/\r?\n/)
  for (let i = 0; i < raw.length; i++) {
    const start = i + 1
    let line = raw[i]
    while (line.endsWith('\\') && i + 1 < raw.length) line = line.slice(0, -1) + raw[++i]
    const trimmed = line.trim()
    if (trimmed === '' || trimmed.startsWith('#')) continue
    out.push({text: trimmed, line: start})
  }
  return out
}

export function parseApacheConfig(text: string, file: string, vars: Record<string, string> = {}): Section {
  const root: Section = {kind: 'section', name: '', args: [], file, line: 0, children: []}
  const stack: Section[] = [root]
  for (const {text: line, line: number} of logicalLines(text)) {
    if (line.startsWith('</')) {
      const name = line.slice(2).replace(/>\s*$/, '').trim()
      const open = stack.at(-1)!
      if (stack.length === 1 || open.name.toLowerCase() !== name.toLowerCase()) {
        throw new ApacheSyntaxError(file, number, `</${name}> without matching <${name}> section`)
      }
      stack.pop()
      continue
    }
    if (line.startsWith('<')) {
      if (!line.endsWith('>')) throw new ApacheSyntaxError(file, number, `<${line.slice(1)} directive missing closing '>'`)
      const inner = line.slice(1, -1)
      const [name = '', ...args] = splitWords(inner, vars)
      const section: Section = {kind: 'section', name, args, file, line: number, children: []}
      stack.at(-1)!.children.push(section)
      stack.push(section)
      continue
    }
    const [name, ...args] = splitWords(line, vars)
    stack.at(-1)!.children.push({kind: 'directive', name, args, file, line: number})
  }
  if (stack.length > 1) {
    const open = stack.at(-1)!
    throw new ApacheSyntaxError(file, open.line, `<${open.name}> was not closed`)
  }
  return root
}

export function readApacheConfig(file: string, vars: Record<string, string> = {}): Section {
  return parseApacheConfig(readFileSync(file, 'utf8'), file, vars)
}

/** Every directive with the sections around it, outermost first. */
export function* directives(section: Section, ancestors: Section[] = []): Generator<{directive: Directive; ancestors: Section[]}> {
  for (const node of section.children) {
    if (node.kind === 'directive') yield {directive: node, ancestors}
    else yield* directives(node, [...ancestors, node])
  }
}

export function* sections(section: Section, ancestors: Section[] = []): Generator<{section: Section; ancestors: Section[]}> {
  for (const node of section.children) {
    if (node.kind === 'section') {
      yield {section: node, ancestors}
      yield* sections(node, [...ancestors, node])
    }
  }
}

export function is(node: {name: string}, name: string): boolean {
  return node.name.toLowerCase() === name.toLowerCase()
}

/** `key=value` options of WSGIDaemonProcess / WSGIScriptAlias, keys lower-cased. */
export function options(args: string[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (const arg of args) {
    const eq = arg.indexOf('=')
    if (eq > 0) out[arg.slice(0, eq).toLowerCase()] = arg.slice(eq + 1)
  }
  return out
}

export function where(node: {file: string; line: number}): string {
  return `${node.file}:${node.line}`
}
