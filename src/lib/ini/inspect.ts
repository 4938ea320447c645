/**
 * The `tgdeploy inspect` model: how Python sees a PasteDeploy file, as plain data.
 */
import {readFileSync} from 'node:fs'
import * as path from 'node:path'

import {DEFAULT_SECTION, getValue, type IniDocument, InterpolationError} from './configparser.js'
import {type ConfigLoader, effectiveApp, type EffectiveApp, Loader, PasteDeployError} from './pastedeploy.js'

export type ValueOrError = string | {error: string}

export interface MainApp extends Omit<EffectiveApp, 'factory'> {}

export interface IniInspection {
  file: string
  sections: Record<string, Record<string, ValueOrError>>
  main: MainApp | {error: string}
}

/** Open a file the way PasteDeploy's ConfigLoader does; throws IniSyntaxError for files Python rejects. */
export function openConfig(file: string, app?: string): {loader: ConfigLoader; main: EffectiveApp | {error: string}} {
  const loader = new Loader((f) => readFileSync(f)).configLoader(path.resolve(file))
  let main: EffectiveApp | {error: string}
  try {
    main = effectiveApp(loader, app)
  } catch (error) {
    if (!(error instanceof PasteDeployError || error instanceof InterpolationError)) throw error
    main = {error: `${error.kind}: ${error.message}`}
  }
  return {loader, main}
}

function valueOrError(doc: IniDocument, section: string, key: string): ValueOrError {
  try {
    return getValue(doc, section, key)
  } catch (error) {
    if (error instanceof InterpolationError) return {error: error.kind}
    throw error
  }
}

/** Each section's own keys after interpolation; DEFAULT as `NicerConfigParser.defaults()` sees it. */
export function sectionValues(doc: IniDocument): IniInspection['sections'] {
  const sections: IniInspection['sections'] = {}
  const defaults = [...doc.defaults.keys()].map((k): [string, ValueOrError] => {
    const v = valueOrError(doc, DEFAULT_SECTION, k)
    // `self.get('DEFAULT', key) or val`: an empty result falls back to the raw value
    return [k, v === '' ? doc.defaults.get(k)! : v]
  })
  sections[DEFAULT_SECTION] = Object.fromEntries(defaults)
  for (const [name, own] of doc.sections) {
    sections[name] = Object.fromEntries([...own.keys()].map((k) => [k, valueOrError(doc, name, k)]))
  }
  return sections
}

export function inspectConfig(file: string, app?: string): IniInspection {
  const {loader, main} = openConfig(file, app)
  let mainOut: IniInspection['main']
  if ('error' in main) mainOut = main
  else {
    const {factory: _factory, ...rest} = main
    mainOut = rest
  }
  return {file: loader.filename, sections: sectionValues(loader.doc), main: mainOut}
}

const PASSWORD_IN_URL = /^([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)([^@/\s]*)(@)/i

/** Hide the password of a database URL such as postgresql://user:secret@host/db. */
export function maskUrlPassword(url: string): string {
  return url.replace(PASSWORD_IN_URL, '$1***$3')
}

const DATA_DIR_KEYS = /(^|\.)(cache_dir|data_dir|lock_dir|session\.data_dir|session\.lock_dir|cache\.data_dir|cache\.lock_dir|templating\.mako\.compiled_templates_dir|file_storage|upload_dir)$/
const DB_URL_KEYS = /(^|\.)(url|sqlalchemy\.url|sqlalchemy\.\w+\.url|database_url|db_url|ming\.url)$/

function sqliteDirs(config: Record<string, string>): string[] {
  return Object.values(config)
    .map((v) => /^sqlite:\/\/\/(\/[^?]+)/.exec(v.trim())?.[1])
    .filter((p): p is string => Boolean(p))
    .map((p) => path.dirname(p))
}

/** Directories the app writes, by the app's effective config: cache/session/data dirs and the dirs of sqlite files. */
export function appWritableDirs(config: Record<string, string>): string[] {
  const dataDirs = Object.entries(config).filter(([k]) => DATA_DIR_KEYS.test(k)).map(([, v]) => v)
  return [...new Set([...dataDirs, ...sqliteDirs(config)])]
}

export interface InspectSummary {
  section: string
  chain: string[]
  egg: string | null
  entryPoint: string | null
  debug: string | null
  fullStack: string | null
  dataDirs: Record<string, string>
  databaseUrls: Record<string, string>
  logging: boolean
}

export function summarize(inspection: IniInspection): InspectSummary | {error: string} {
  const main = inspection.main
  if ('error' in main) return main
  const config = main.config
  const dataDirs = Object.fromEntries(Object.entries(config).filter(([k]) => DATA_DIR_KEYS.test(k)))
  const databaseUrls = Object.fromEntries(Object.entries(config)
    .filter(([k, v]) => DB_URL_KEYS.test(k) && /:\/\//.test(v) && !/^https?:/.test(v))
    .map(([k, v]) => [k, maskUrlPassword(v)]))
  return {
    section: main.section,
    chain: main.chain,
    egg: main.egg,
    entryPoint: main.entryPoint,
    debug: config.debug ?? null,
    fullStack: config.full_stack ?? null,
    dataDirs,
    databaseUrls,
    logging: 'loggers' in inspection.sections,
  }
}
