/**
 * Which Python does the installed mod_wsgi run? mod_wsgi.so links one libpython;
 * the interpreter to make virtualenvs with is the one whose own libpython is that
 * same file. (On Debian 12 the python3 first on PATH can be another installation of
 * the same version: venvs made with it work by luck, or not at all.)
 */
import {existsSync, readdirSync, realpathSync} from 'node:fs'
import * as path from 'node:path'

import {run} from '../spawn.js'

const MODULE_DIRS = ['/usr/lib/apache2/modules', '/usr/lib64/httpd/modules', '/usr/lib/httpd/modules', '/usr/local/apache2/modules', '/etc/httpd/modules']

export interface PythonInfo {
  executable: string
  version: string
  prefix: string
  basePrefix: string
  /** The shared libpython this interpreter would load (realpath), or null for a static build. */
  libpython: string | null
}

export interface ModWsgiPython {
  module: string
  /** As named in DT_NEEDED, e.g. libpython3.11.so.1.0 */
  libpythonName: string | null
  /** Where the dynamic loader finds it, or null when `ldd` says "not found". */
  libpythonPath: string | null
  python: PythonInfo | null
  candidatesTried: string[]
}

/** The mod_wsgi module in `dirs` first, then in the usual module directories unless `onlyGiven`. */
export function findModWsgi(dirs: string[] = [], onlyGiven = false): string | null {
  for (const dir of onlyGiven ? dirs : [...dirs, ...MODULE_DIRS]) {
    if (!existsSync(dir)) continue
    const so = readdirSync(dir).filter((f) => f.startsWith('mod_wsgi') && f.includes('.so')).sort()
    if (so.includes('mod_wsgi.so')) return path.join(dir, 'mod_wsgi.so')
    if (so.length) return path.join(dir, so[0])
  }
  return null
}

/** `ldd` on the module: the libpython it needs and where it resolves. */
export function linkedLibpython(module: string): {name: string | null; path: string | null} {
  const r = run(['ldd', module])
  for (const line of r.stdout.split('\n')) {
    const m = /^\s*(libpython[^\s]*)\s*=>\s*(not found|(\S+))/.exec(line)
    if (m) return {name: m[1], path: m[2] === 'not found' ? null : realpathSync(m[3])}
  }
  return {name: null, path: null}
}

const ASK = `import json, os, sys, sysconfig
v = sysconfig.get_config_var
lib = None
if v('Py_ENABLE_SHARED'):
    for name in (v('INSTSONAME'), v('LDLIBRARY')):
        if name:
            p = os.path.join(v('LIBDIR') or '', name)
            if os.path.exists(p):
                lib = os.path.realpath(p)
                break
print(json.dumps({'executable': sys.executable, 'version': sys.version.split()[0], 'prefix': sys.prefix, 'basePrefix': sys.base_prefix, 'libpython': lib}))`

/** Ask an interpreter about itself; null when it does not run. */
export function askPython(executable: string): PythonInfo | null {
  const r = run([executable, '-I', '-c', ASK], {timeoutMs: 20_000})
  if (r.status !== 0) return null
  try {
    return JSON.parse(r.stdout) as PythonInfo
  } catch {
    return null
  }
}

function candidateInterpreters(libName: string | null, libPath: string | null): string[] {
  const version = libName ? /libpython(\d+\.\d+)/.exec(libName)?.[1] : undefined
  const names = version ? ['python3', `python${version}`] : ['python3']
  const dirs = ['/usr/bin', '/usr/local/bin', '/opt/rh/bin']
  // an installation under PREFIX/lib has its interpreter in PREFIX/bin
  if (libPath) dirs.unshift(path.join(path.dirname(path.dirname(libPath)), 'bin'))
  return [...new Set(dirs.flatMap((d) => names.map((n) => path.join(d, n))))].filter((p) => existsSync(p))
}

export function detectModWsgiPython(options: {module?: string; moduleDirs?: string[]; onlyGiven?: boolean} = {}): ModWsgiPython | null {
  const module = options.module ?? findModWsgi(options.moduleDirs, options.onlyGiven)
  if (!module) return null
  const lib = linkedLibpython(module)
  const tried: string[] = []
  let python: PythonInfo | null = null
  if (lib.path) {
    for (const candidate of candidateInterpreters(lib.name, lib.path)) {
      tried.push(candidate)
      const info = askPython(candidate)
      if (info?.libpython === lib.path) {
        // report the stable name the user typed, not a versioned realpath
        python = {...info, executable: candidate}
        break
      }
    }
  }
  return {module, libpythonName: lib.name, libpythonPath: lib.path, python, candidatesTried: tried}
}

export function installHint(): string {
  if (existsSync('/etc/debian_version')) return 'apt-get install libapache2-mod-wsgi-py3 && a2enmod wsgi'
  if (existsSync('/etc/redhat-release')) return 'dnf install python3-mod_wsgi'
  return 'install your distribution\'s mod_wsgi package for Python 3'
}
