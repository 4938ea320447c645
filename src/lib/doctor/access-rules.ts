/**
 * Would Apache 2.4 grant a request for this file? Merged as httpd merges: <Directory>
 * sections from the shortest matching path to the longest, then <Files> sections
 * for the file's name; the last section with Require lines decides. <Location> is
 * not evaluated (it applies per virtual host and URL, not per file).
 */
import * as path from 'node:path'

import {is, type Node, type Section, sections, where} from '../apache/config.js'

function globToRegExp(glob: string, anchored: 'full' | 'prefix'): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')
  return new RegExp(anchored === 'full' ? `^${body}$` : `^${body}(/|$)`)
}

function directoryMatches(section: Section, target: string): {matches: boolean; depth: number} {
  if (is(section, 'DirectoryMatch') || section.args[0] === '~') {
    const source = is(section, 'DirectoryMatch') ? section.args[0] : section.args[1]
    try {
      return {matches: new RegExp(source ?? '(?!)').test(target), depth: Number.MAX_SAFE_INTEGER}
    } catch {
      return {matches: false, depth: 0}
    }
  }
  const dir = (section.args[0] ?? '').replace(/\/+$/, '') || '/'
  const matches = dir === '/' ? true : /[*?]/.test(dir) ? globToRegExp(dir, 'prefix').test(target) : target === dir || target.startsWith(`${dir}/`)
  return {matches, depth: dir === '/' ? 0 : dir.split('/').length}
}

function filesMatches(section: Section, name: string): boolean {
  const regex = is(section, 'FilesMatch') ? section.args[0] : section.args[0] === '~' ? section.args[1] : null
  if (regex !== null) {
    try {
      return new RegExp(regex ?? '(?!)').test(name)
    } catch {
      return false
    }
  }
  return globToRegExp(section.args[0] ?? '', 'full').test(name)
}

/** The Require lines a section sets itself (also inside RequireAll/Any), not those of nested Directory/Files. */
function ownRequires(section: Section): {args: string[]; where: string}[] {
  const out: {args: string[]; where: string}[] = []
  const visit = (nodes: Node[]) => {
    for (const node of nodes) {
      if (node.kind === 'directive' && is(node, 'Require')) out.push({args: node.args, where: where(node)})
      else if (node.kind === 'section' && /^Require(All|Any|None)$/i.test(node.name)) visit(node.children)
    }
  }
  visit(section.children)
  return out
}

export interface AccessDecision {
  granted: boolean
  /** file:line of the Require that decided, or null for httpd's default (granted). */
  decidedBy: string | null
}

export function accessDecision(trees: Section[], target: string, isFile: boolean): AccessDecision {
  const abs = path.resolve(target)
  const dirs: {section: Section; depth: number; order: number}[] = []
  const files: Section[] = []
  let order = 0
  for (const tree of trees) {
    for (const {section, ancestors} of sections(tree)) {
      order++
      if (is(section, 'Directory') || is(section, 'DirectoryMatch')) {
        const m = directoryMatches(section, abs)
        if (m.matches) dirs.push({section, depth: m.depth, order})
      } else if (isFile && (is(section, 'Files') || is(section, 'FilesMatch'))) {
        // <Files> at server/vhost level, or inside a <Directory> that matches
        const parent = ancestors.filter((a) => is(a, 'Directory') || is(a, 'DirectoryMatch')).at(-1)
        if ((!parent || directoryMatches(parent, abs).matches) && filesMatches(section, path.basename(abs))) files.push(section)
      }
    }
  }
  dirs.sort((a, b) => a.depth - b.depth || a.order - b.order)
  let decision: AccessDecision = {granted: true, decidedBy: null}
  for (const section of [...dirs.map((d) => d.section), ...files]) {
    const requires = ownRequires(section)
    if (!requires.length) continue
    const granting = requires.find((r) => !(r.args[0]?.toLowerCase() === 'all' && r.args[1]?.toLowerCase() === 'denied'))
    decision = {granted: granting !== undefined, decidedBy: (granting ?? requires[0]).where}
  }
  return decision
}
