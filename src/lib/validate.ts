/**
 * Validation and quoting of every value that lands in an Apache config or in Python
 * source. Apache has no escape that is safe everywhere (a line is a directive, `${X}`
 * is expanded on every line, `#` starts a comment only at a line start, mod_wsgi
 * splits its options on white space), so values are checked against allow-lists and
 * refused with the flag's name and a fix; Python values are written as string literals.
 */
import * as path from 'node:path'

import {UserError} from './errors.js'

// no control characters, quotes, backslash, `$` (Apache expands ${...}), `%` (mod_wsgi
// expands %{...}), `<`/`>` (section tags), `#`, or `;`
const UNSAFE_IN_PATH = /[\u0000-\u001f\u007f-\u009f\u2028\u2029"'\\$%<>#;`*?[\]{}|&]/

function describeChar(c: string): string {
  const code = c.codePointAt(0)!
  return code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029
    ? `control character U+${code.toString(16).toUpperCase().padStart(4, '0')}`
    : JSON.stringify(c)
}

export function absolutePath(value: string, flag: string): string {
  const bad = UNSAFE_IN_PATH.exec(value)
  if (bad) throw new UserError(`${flag}: ${JSON.stringify(value)} contains ${describeChar(bad[0])}, which is not allowed in a path written into an Apache config`, `use a path made of letters, digits, spaces and ._+@,=~/- only`)
  if (!path.isAbsolute(value)) throw new UserError(`${flag}: ${JSON.stringify(value)} is not an absolute path`, `give the full path, starting with /`)
  const normal = path.normalize(value)
  return normal.length > 1 ? normal.replace(/\/+$/, '') : normal
}

/** A URL path under which something is served: `/`, `/app`, `/app/v2`. No trailing slash (mod_wsgi #603). */
export function urlPath(value: string, flag: string): string {
  if (!/^\/[A-Za-z0-9._~!'()*+,=@:/-]*$/.test(value) || /["'()*]/.test(value)) {
    throw new UserError(`${flag}: ${JSON.stringify(value)} is not a plain URL path`, 'use something like /app: a leading slash, then letters, digits and ._~-/ only')
  }
  if (value !== '/' && value.endsWith('/')) {
    throw new UserError(`${flag}: ${JSON.stringify(value)} ends with a slash, which breaks the app's sub-URLs under mod_wsgi`, `use ${JSON.stringify(value.replace(/\/+$/, '') || '/')}`)
  }
  if (/\/\/|\/\.\.?(\/|$)/.test(value)) throw new UserError(`${flag}: ${JSON.stringify(value)} has an empty, . or .. segment`, 'write the path in its plain form, such as /app')
  return value
}

const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?'
const HOSTNAME = new RegExp(`^${LABEL}(?:\\.${LABEL})*\\.?$`)
const WILDCARD_HOST = new RegExp(`^\\*\\.${LABEL}(?:\\.${LABEL})*$`)

export function hostName(value: string, flag: string, allowWildcard = false): string {
  const ok = value.length <= 253 && (HOSTNAME.test(value) || (allowWildcard && WILDCARD_HOST.test(value)))
  if (!ok) throw new UserError(`${flag}: ${JSON.stringify(value)} is not a host name`, `use a DNS name such as example.com${allowWildcard ? ' (or *.example.com)' : ''}`)
  return value.toLowerCase()
}

export function systemName(value: string, flag: string): string {
  if (!/^[a-z_][a-z0-9_-]{0,31}$/.test(value)) throw new UserError(`${flag}: ${JSON.stringify(value)} is not a valid user or group name`, 'use a system account name such as www-data or apache')
  if (value === 'root') throw new UserError(`${flag}: refusing to run the application as root`, 'use an unprivileged account such as www-data (Debian) or apache (RHEL)')
  return value
}

/** Names used for the daemon process group and files: letters, digits, `_`, `.`, `-`. */
export function siteName(value: string, flag: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(value)) throw new UserError(`${flag}: ${JSON.stringify(value)} is not a usable site name`, 'use letters, digits and _.- only, starting with a letter or digit')
  return value
}

export function positiveInt(value: number, flag: string, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new UserError(`${flag}: ${value} is out of range`, `use a whole number from ${min} to ${max}`)
  return value
}

export function localeName(value: string, flag: string): string {
  if (!/^[A-Za-z]{1,8}(?:_[A-Za-z]{2,3})?\.(?:UTF-8|utf8)(?:@[A-Za-z0-9]+)?$/.test(value)) {
    throw new UserError(`${flag}: ${JSON.stringify(value)} is not a UTF-8 locale name`, 'use C.UTF-8 or a generated locale such as en_US.UTF-8 (see `locale -a`)')
  }
  return value
}

/** An IP address or CIDR range for `Require ip`. */
export function ipOrCidr(value: string, flag: string): string {
  const v4 = /^(?:\d{1,3}\.){3}\d{1,3}(?:\/\d{1,2})?$/
  const v6 = /^[0-9A-Fa-f:]+(?:\/\d{1,3})?$/
  if (!(v4.test(value) || (v6.test(value) && value.includes(':')))) throw new UserError(`${flag}: ${JSON.stringify(value)} is not an IP address or CIDR range`, 'use something like 192.0.2.10 or 10.0.0.0/8')
  return value
}

/** A path (with optional query) requested in-process at daemon start. Ends up only in Python string literals. */
export function warmupPath(value: string, flag: string): string {
  if (!/^\/[\x21-\x7e]*$/.test(value)) throw new UserError(`${flag}: ${JSON.stringify(value)} is not a URL path`, 'use a path such as / or /health?full=1, relative to the mount point')
  return value
}

/** Quote a value for an Apache directive argument when it needs it. Values are validated first. */
/**
 * A `name=value` option of WSGIDaemonProcess. mod_wsgi reads these itself: a value
 * with spaces is quoted after the `=` (`home="/a b"`); quoting the whole word fails.
 */
export function apacheOption(name: string, value: string): string {
  return /\s/.test(value) ? `${name}="${value}"` : `${name}=${value}`
}

/** Always-quoted form, for `<Directory "...">` and paths. */
export function apacheQuoted(value: string): string {
  return `"${value}"`
}

/** A Python 3 string literal: JSON's escapes are valid Python escapes. */
export function pyString(value: string): string {
  return JSON.stringify(value)
}
