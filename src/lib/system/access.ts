/**
 * Can this (non-root) user read / write / traverse a path? Decided from the mode
 * bits of the path and of every directory above it, as the kernel does (POSIX ACLs
 * and SELinux labels are not read).
 */
import {statSync} from 'node:fs'
import * as path from 'node:path'

import {run} from '../spawn.js'

export interface SystemUser {
  name: string
  uid: number
  gids: number[]
}

export function lookupUser(name: string): SystemUser | null {
  const uid = run(['id', '-u', name], {timeoutMs: 10_000})
  const gids = run(['id', '-G', name], {timeoutMs: 10_000})
  if (uid.status !== 0 || gids.status !== 0) return null
  return {name, uid: Number(uid.stdout.trim()), gids: gids.stdout.trim().split(/\s+/).map(Number)}
}

export type Want = 'read' | 'write' | 'list'

export interface Denied {
  /** The path where access stops: the target itself or a directory above it. */
  at: string
  /** What is missing there, e.g. "search (x) permission". */
  missing: string
  /** True when `at` is a directory above the target, not the target itself. */
  above: boolean
  mode: string
}

const BITS = {r: 4, w: 2, x: 1} as const

function allowed(user: SystemUser, p: string, bit: keyof typeof BITS): {ok: boolean; mode: string} {
  const st = statSync(p)
  const perm = st.mode & 0o777
  const shift = st.uid === user.uid ? 6 : user.gids.includes(st.gid) ? 3 : 0
  const mode = `${perm.toString(8).padStart(3, '0')} ${st.uid}:${st.gid}`
  return {ok: user.uid === 0 || ((perm >> shift) & BITS[bit]) !== 0, mode}
}

/**
 * null when `user` can do `want` on `target`; else where and why not. A missing
 * target is reported by the caller (it checks existence first).
 */
export function accessDenied(user: SystemUser, target: string, want: Want): Denied | null {
  const abs = path.resolve(target)
  const parts = abs.split('/').filter(Boolean)
  let dir = '/'
  for (const part of parts.slice(0, -1)) {
    dir = path.join(dir, part)
    const x = allowed(user, dir, 'x')
    if (!x.ok) return {at: dir, missing: 'search (x) permission', above: true, mode: x.mode}
  }
  const needs: (keyof typeof BITS)[] = want === 'read' ? ['r'] : want === 'write' ? ['w', 'x'] : ['r', 'x']
  for (const bit of needs) {
    const a = allowed(user, abs, bit)
    if (!a.ok) return {at: abs, missing: `${bit === 'r' ? 'read (r)' : bit === 'w' ? 'write (w)' : 'search (x)'} permission`, above: false, mode: a.mode}
  }
  return null
}

export function describeDenied(user: SystemUser, d: Denied): string {
  return `${user.name} lacks ${d.missing} on ${d.above ? 'the directory ' : ''}${d.at} (mode ${d.mode})`
}
