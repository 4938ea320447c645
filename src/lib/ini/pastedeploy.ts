/**
 * PasteDeploy's loader (paste.deploy.loadwsgi, 3.x) on top of the ConfigParser port:
 * which section is the `main` app, how `use =`, pipelines, `filter-with`, `filter-app`,
 * `set`/`get` and [DEFAULT] shape its configuration. Nothing is imported: `egg:` and
 * `call:` references are recorded, not loaded. The control flow and the sharing of
 * the `global_conf` dicts follow the Python code line by line, because the effective
 * configuration depends on which dict is mutated where.
 */
import * as path from 'node:path'

import {
  getValue, interpolatedDefaults, type IniDocument, optionsOf, parseIni, decodeIni, pyRepr, pySplit, pyStrip,
} from './configparser.js'

export type ObjectTypeName = 'application' | 'filter' | 'server' | 'pipeline' | 'filter_app' | 'filtered_with'

interface ObjectType {
  name: 'application' | 'filter'
  eggProtocols: string[][]
  configPrefixes: string[][]
}

export const APP: ObjectType = {
  name: 'application',
  eggProtocols: [['paste.app_factory'], ['paste.composite_factory'], ['paste.composit_factory']],
  configPrefixes: [['app', 'application'], ['composite', 'composit'], ['pipeline'], ['filter-app']],
}
export const FILTER: ObjectType = {
  name: 'filter',
  eggProtocols: [['paste.filter_factory', 'paste.filter_app_factory']],
  configPrefixes: [['filter']],
}
export type Conf = Map<string, string>

export interface Reference {
  scheme: 'egg' | 'call'
  spec: string
  entryPoint: string | null
}

export interface SectionRef {
  file: string
  section: string
  doc: IniDocument
}

export interface LoaderContext {
  objectType: ObjectTypeName
  protocol: string | null
  globalConf: Conf
  localConf: Conf
  /** Sections this context was built from, innermost first. */
  sections: SectionRef[]
  ref?: Reference
  /** `paste.app_factory = module:fn` written in the section itself. */
  factory?: string
  appContext?: LoaderContext
  filterContexts?: LoaderContext[]
  nextContext?: LoaderContext
  filterContext?: LoaderContext
}

/** Anything PasteDeploy raises while building the context; `kind` is the Python exception class. */
export class PasteDeployError extends Error {
  constructor(readonly kind: string, message: string) {
    super(message)
    this.name = 'PasteDeployError'
  }
}

export type ReadBytes = (file: string) => Uint8Array

const ABSOLUTE_NAME = /^[a-zA-Z]+:/
const EGG_NAME = /^[\t\n\v\f\r\x1c-\x1f \x85\xa0]*([A-Za-z0-9][A-Za-z0-9._-]*)/
const MAX_DEPTH = 100

function newContext(objectType: ObjectTypeName, protocol: string | null, globalConf: Conf, localConf: Conf): LoaderContext {
  return {objectType, protocol, globalConf, localConf, sections: []}
}

/** Parse the file PasteDeploy's ConfigLoader would: `here`/`__file__` from its absolute path. */
export function readIniDocument(file: string, readBytes: ReadBytes): IniDocument {
  const abs = path.resolve(file)
  const text = decodeIni(readBytes(file), file)
  return parseIni(text, file, {here: path.dirname(abs), __file__: abs})
}

/** urllib.parse.unquote: %XX sequences decoded as UTF-8, invalid sequences replaced. */
function unquote(s: string): string {
  if (!s.includes('%')) return s
  return s.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => {
    const bytes = Uint8Array.from(run.slice(1).split('%').map((h) => Number.parseInt(h, 16)))
    return new TextDecoder('utf-8').decode(bytes)
  })
}

export class Loader {
  private depth = 0

  constructor(private readonly readBytes: ReadBytes) {}

  /** `loadcontext(object_type, uri, name, relative_to, global_conf)` */
  loadContext(objectType: ObjectType, uri: string, name: string | undefined, relativeTo: string | undefined, globalConf: Conf | undefined): LoaderContext {
    if (++this.depth > MAX_DEPTH) throw new PasteDeployError('RecursionError', 'maximum recursion depth exceeded (a use = reference loops back on itself)')
    try {
      const hash = uri.indexOf('#')
      if (hash >= 0) {
        if (name === undefined) name = uri.slice(hash + 1)
        uri = uri.slice(0, hash)
      }
      name ??= 'main'
      const colon = uri.indexOf(':')
      if (colon < 0) throw new PasteDeployError('LookupError', `URI has no scheme: ${pyRepr(uri)}`)
      const scheme = uri.slice(0, colon).toLowerCase()
      const spec = uri.slice(colon + 1)
      switch (scheme) {
        case 'config': return this.loadConfig(objectType, uri, spec, name, relativeTo, globalConf)
        case 'egg': return this.eggContext(objectType, spec, name, globalConf)
        case 'call': {
          if (!spec.includes(':')) throw new PasteDeployError('LookupError', 'Configuration not in format module:function')
          return {...newContext(objectType.name, null, globalConf?.size ? globalConf : new Map(), new Map()), ref: {scheme: 'call', spec, entryPoint: null}}
        }
        default:
          throw new PasteDeployError('LookupError', `URI scheme not known: ${pyRepr(scheme)} (from config, egg, call)`)
      }
    } finally {
      this.depth--
    }
  }

  private eggContext(objectType: ObjectType, spec: string, name: string, globalConf: Conf | undefined): LoaderContext {
    if (ABSOLUTE_NAME.test(name)) return this.loadContext(objectType, name, undefined, undefined, globalConf)
    // EggLoader passes `global_conf or {}`: the caller's dict itself, not a copy
    return {...newContext(objectType.name, null, globalConf?.size ? globalConf : new Map(), new Map()), ref: {scheme: 'egg', spec, entryPoint: name}}
  }

  private loadConfig(objectType: ObjectType, uri: string, file: string, name: string, relativeTo: string | undefined, globalConf: Conf | undefined): LoaderContext {
    const isAbs = file.startsWith('/')
    file = file.replace(/\\/g, '/')
    if (!isAbs) {
      if (!relativeTo) throw new PasteDeployError('ValueError', `Cannot resolve relative uri ${pyRepr(uri)}; no relative_to keyword argument given`)
      relativeTo = relativeTo.replace(/\\/g, '/')
      file = relativeTo.endsWith('/') ? relativeTo + file : `${relativeTo}/${file}`
    }
    if (file.startsWith('///')) file = file.slice(2)
    const loader = this.configLoader(unquote(file))
    if (globalConf?.size) loader.updateDefaults(globalConf, false)
    return loader.getContext(objectType, name, globalConf)
  }

  configLoader(file: string): ConfigLoader {
    const filename = pyStrip(file)
    let doc: IniDocument
    try {
      doc = readIniDocument(filename, this.readBytes)
    } catch (error) {
      const e = error as NodeJS.ErrnoException
      if (e.code === 'ENOENT') throw new PasteDeployError('FileNotFoundError', `[Errno 2] No such file or directory: ${pyRepr(filename)}`)
      if (e.code === 'EISDIR') throw new PasteDeployError('IsADirectoryError', `[Errno 21] Is a directory: ${pyRepr(filename)}`)
      if (e.code === 'EACCES') throw new PasteDeployError('PermissionError', `[Errno 13] Permission denied: ${pyRepr(filename)}`)
      throw error
    }
    return new ConfigLoader(filename, doc, this)
  }
}

export class ConfigLoader {
  constructor(readonly filename: string, readonly doc: IniDocument, private readonly loader: Loader) {}

  updateDefaults(newDefaults: Conf, overwrite: boolean): void {
    for (const [k, v] of newDefaults) {
      if (!overwrite && this.doc.defaults.has(k)) continue
      this.doc.defaults.set(k, v)
    }
  }

  getContext(objectType: ObjectType, name: string | undefined, globalConf?: Conf): LoaderContext {
    if (name !== undefined && ABSOLUTE_NAME.test(name)) {
      return this.loader.loadContext(objectType, name, undefined, path.dirname(this.filename), globalConf)
    }
    const section = this.findConfigSection(objectType, name)
    const context = this.buildContext(objectType, section, globalConf)
    const ref = {file: this.filename, section, doc: this.doc}
    context.sections.push(ref)
    // the wrapped app of a filter-with is built from this same section
    if (context.objectType === 'filtered_with') context.nextContext!.sections.push(ref)
    return context
  }

  private buildContext(objectType: ObjectType, section: string, passedGlobalConf: Conf | undefined): LoaderContext {
    const doc = this.doc
    const get = (option: string) => {
      try {
        return getValue(doc, section, option)
      } catch (error) {
        throw new PasteDeployError((error as Error).name, `Error in file ${this.filename}: ${(error as Error).message}`)
      }
    }
    let defaults: Map<string, string>
    try {
      defaults = interpolatedDefaults(doc)
    } catch (error) {
      throw new PasteDeployError((error as Error).name, `Error in file ${this.filename}: ${(error as Error).message}`)
    }
    const globalConf: Conf = new Map(defaults)
    for (const [k, v] of passedGlobalConf ?? []) globalConf.set(k, v)
    const localConf: Conf = new Map()
    const globalAdditions: Conf = new Map()
    const getFromGlobals: Conf = new Map()
    for (const option of optionsOf(doc, section)) {
      if (option.startsWith('set ')) {
        const value = get(option)
        globalAdditions.set(pyStrip(option.slice(4)), value)
        globalConf.set(pyStrip(option.slice(4)), value)
      } else if (option.startsWith('get ')) {
        getFromGlobals.set(pyStrip(option.slice(4)), get(option))
      } else if (!defaults.has(option)) {
        // a key that is also in [DEFAULT] is dropped: that is why templates write `set debug = false`
        localConf.set(option, get(option))
      }
    }
    for (const [localVar, globalVar] of getFromGlobals) {
      if (!globalConf.has(globalVar)) throw new PasteDeployError('KeyError', pyRepr(globalVar))
      localConf.set(localVar, globalConf.get(globalVar)!)
    }
    let filterWith: string | undefined
    if ((objectType === APP || objectType === FILTER) && localConf.has('filter-with')) {
      filterWith = localConf.get('filter-with')
      localConf.delete('filter-with')
    }
    // `require = DIST ...` only checks that the distributions are installed
    localConf.delete('require')

    let context: LoaderContext
    if (section.startsWith('filter-app:')) {
      if (!localConf.has('next')) throw new PasteDeployError('LookupError', `The [${section}] section in ${this.filename} is missing a 'next' setting`)
      const next = localConf.get('next')!
      localConf.delete('next')
      context = newContext('filter_app', null, globalConf, localConf)
      context.nextContext = this.getContext(APP, next, globalConf)
      context.filterContext = localConf.has('use')
        ? this.contextFromUse(FILTER, localConf, globalConf, globalAdditions, section)
        : this.contextFromExplicit(FILTER, localConf, globalConf, section)
    } else if (section.startsWith('pipeline:')) {
      if (!localConf.has('pipeline')) throw new PasteDeployError('LookupError', `The [${section}] section in ${this.filename} is missing a 'pipeline' setting`)
      const pipeline = pySplit(localConf.get('pipeline')!)
      localConf.delete('pipeline')
      if (localConf.size) {
        throw new PasteDeployError('LookupError', `The [${section}] pipeline section in ${this.filename} has extra (disallowed) settings: ${[...localConf.keys()].join(', ')}`)
      }
      if (pipeline.length === 0) throw new PasteDeployError('IndexError', 'list index out of range')
      context = newContext('pipeline', null, globalConf, localConf)
      context.appContext = this.getContext(APP, pipeline.at(-1), globalConf)
      context.filterContexts = pipeline.slice(0, -1).map((n) => this.getContext(FILTER, n, globalConf))
    } else if (localConf.has('use')) {
      context = this.contextFromUse(objectType, localConf, globalConf, globalAdditions, section)
    } else {
      context = this.contextFromExplicit(objectType, localConf, globalConf, section)
    }

    if (filterWith !== undefined) {
      const filtered = newContext('filtered_with', null, globalConf, localConf)
      filtered.filterContext = this.getContext(FILTER, filterWith, globalConf)
      filtered.nextContext = context
      return filtered
    }
    return context
  }

  private contextFromUse(objectType: ObjectType, localConf: Conf, globalConf: Conf, globalAdditions: Conf, section: string): LoaderContext {
    const use = localConf.get('use')!
    localConf.delete('use')
    const context = this.getContext(objectType, use, globalConf)
    for (const [k, v] of globalAdditions) context.globalConf.set(k, v)
    for (const [k, v] of localConf) context.localConf.set(k, v)
    // use sections shouldn't overwrite the original __file__
    if (globalConf.has('__file__')) context.globalConf.set('__file__', globalConf.get('__file__')!)
    if (context.protocol === null) {
      const kind = section.split(':', 1)[0]
      context.protocol = kind === 'application' || kind === 'app'
        ? 'paste.app_factory'
        : kind === 'composit' || kind === 'composite' ? 'paste.composit_factory' : `paste.${kind}_factory`
    }
    return context
  }

  private contextFromExplicit(objectType: ObjectType, localConf: Conf, globalConf: Conf, section: string): LoaderContext {
    const possible: [string, string][] = []
    for (const options of objectType.eggProtocols) {
      const found = options.find((p) => localConf.has(p))
      if (found) possible.push([found, localConf.get(found)!])
    }
    if (possible.length > 1) throw new PasteDeployError('LookupError', `Multiple protocols given in section ${pyRepr(section)}: ${possible.map(([p, v]) => `(${pyRepr(p)}, ${pyRepr(v)})`).join(', ')}`)
    if (possible.length === 0) throw new PasteDeployError('LookupError', `No loader given in section ${pyRepr(section)}`)
    const [protocol, factory] = possible[0]
    localConf.delete(protocol)
    return {...newContext(objectType.name, protocol, globalConf, localConf), factory}
  }

  findConfigSection(objectType: ObjectType, name: string | undefined): string {
    const sections = [...this.doc.sections.keys()]
    const possible: string[] = []
    for (const options of objectType.configPrefixes) {
      for (const prefix of options) {
        const found = findSections(sections, prefix, name)
        if (found.length) {
          possible.push(...found)
          break
        }
      }
    }
    const prefixes = objectType.configPrefixes.flat().map(pyRepr).join(' or ')
    const shown = name === undefined ? 'None' : pyRepr(name)
    if (possible.length === 0) throw new PasteDeployError('LookupError', `No section ${shown} (prefixed by ${prefixes}) found in config ${this.filename}`)
    if (possible.length > 1) throw new PasteDeployError('LookupError', `Ambiguous section names [${possible.map(pyRepr).join(', ')}] for section ${shown} (prefixed by ${prefixes}) found in config ${this.filename}`)
    return possible[0]
  }
}

function findSections(sections: string[], prefix: string, name: string | undefined): string[] {
  const found: string[] = []
  if (name === undefined) {
    if (sections.includes(prefix)) found.push(prefix)
    name = 'main'
  }
  for (const s of sections) {
    if (s.startsWith(`${prefix}:`) && pyStrip(s.slice(prefix.length + 1)) === name) found.push(s)
  }
  return found
}

/** Follow pipeline / filter-with / filter-app down to the application that does the work. */
export function terminalApp(context: LoaderContext): {app: LoaderContext; path: LoaderContext[]} {
  const visited = [context]
  let ctx = context
  for (;;) {
    const next = ctx.objectType === 'pipeline' ? ctx.appContext : (ctx.objectType === 'filtered_with' || ctx.objectType === 'filter_app') ? ctx.nextContext : undefined
    if (!next) return {app: ctx, path: visited}
    visited.push(next)
    ctx = next
  }
}

export function eggName(spec: string): string | null {
  return EGG_NAME.exec(spec)?.[1] ?? null
}

export interface EffectiveApp {
  /** The section that defines the application (outermost one, as PasteDeploy names it). */
  section: string
  /** Sections followed from `main` to the application, outermost first. */
  chain: string[]
  use: string | null
  egg: string | null
  entryPoint: string | null
  factory: string | null
  config: Record<string, string>
}

/** What `appconfig('config:FILE', name)` would give, plus where it came from. */
export function effectiveApp(loader: ConfigLoader, name?: string): EffectiveApp {
  const top = loader.getContext(APP, name)
  const {app, path: visited} = terminalApp(top)
  const label = (s: SectionRef) => (s.file === loader.filename ? s.section : `config:${path.relative(path.dirname(loader.filename), s.file)}#${s.section}`)
  const chain: string[] = []
  for (const ctx of visited) {
    for (const s of [...ctx.sections].reverse()) if (chain.at(-1) !== label(s)) chain.push(label(s))
  }
  let use: string | null = null
  for (const s of [...app.sections].reverse()) {
    if (s.doc.sections.get(s.section)?.has('use') || s.doc.defaults.has('use')) {
      try {
        use = getValue(s.doc, s.section, 'use')
      } catch {
        use = null
      }
      break
    }
  }
  const config: Record<string, string> = Object.fromEntries([...app.globalConf, ...app.localConf])
  const outer = app.sections.at(-1)
  return {
    section: outer ? outer.section : '',
    chain,
    use,
    egg: app.ref?.scheme === 'egg' ? eggName(app.ref.spec) : null,
    entryPoint: app.ref?.entryPoint ?? null,
    factory: app.factory ?? null,
    config,
  }
}

