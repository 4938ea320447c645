/**
 * What we learn from the project on disk before planning: its config (read as
 * PasteDeploy reads it), its distribution name and its static files. The only
 * module of `modwsgi` that reads the project directory.
 */
import {existsSync, readdirSync, statSync} from 'node:fs'
import * as path from 'node:path'

import {IniSyntaxError} from './ini/configparser.js'
import {inspectConfig, type IniInspection, type MainApp} from './ini/inspect.js'
import {UserError} from './errors.js'

export interface Project {
  dir: string
  /** The ini file, absolute, on this machine. */
  configFile: string
  appName: string
  main: MainApp
  sections: IniInspection['sections']
  /** Distribution name (from `use = egg:NAME`), else the directory name. */
  distribution: string
  /** The Python package that holds `public/`, relative to `dir`, if any. */
  publicDir: string | null
  /** Top-level entries of `public/`, sorted: each gets its own Alias under the mount. */
  publicEntries: {name: string; isDir: boolean}[]
}

function packageCandidates(dir: string, distribution: string): string[] {
  const guess = distribution.toLowerCase().replace(/[-.]/g, '_')
  const dirs = readdirSync(dir, {withFileTypes: true})
    .filter((d) => d.isDirectory() && !d.name.startsWith('.') && existsSync(path.join(dir, d.name, '__init__.py')))
    .map((d) => d.name)
    .sort()
  return [guess, ...dirs.filter((d) => d !== guess)]
}

export function readProject(dir: string, configFile: string, appName: string): Project {
  const absDir = path.resolve(dir)
  const absConfig = path.resolve(absDir, configFile)
  if (!existsSync(absConfig)) {
    throw new UserError(`--config: ${absConfig} does not exist`, 'run in the project directory, or give the ini with --config (e.g. --config production.ini)')
  }
  let inspection: IniInspection
  try {
    inspection = inspectConfig(absConfig, appName === 'main' ? undefined : appName)
  } catch (error) {
    if (error instanceof IniSyntaxError) throw error
    throw new UserError(`--config: cannot read ${absConfig}: ${(error as Error).message}`)
  }
  if ('error' in inspection.main) {
    throw new UserError(`${absConfig}: PasteDeploy cannot load the [${appName}] application: ${inspection.main.error}`,
      appName === 'main' ? 'add an [app:main] section with use = egg:YOURPROJECT, or choose another app with --app' : `check the section for --app ${appName}`)
  }
  const main = inspection.main
  const distribution = main.egg ?? path.basename(absDir)
  let publicDir: string | null = null
  for (const pkg of packageCandidates(absDir, distribution)) {
    const p = path.join(absDir, pkg, 'public')
    if (existsSync(p) && statSync(p).isDirectory()) {
      publicDir = path.join(pkg, 'public')
      break
    }
  }
  const publicEntries = publicDir === null ? [] : readdirSync(path.join(absDir, publicDir), {withFileTypes: true})
    .filter((d) => !d.name.startsWith('.'))
    .map((d) => ({name: d.name, isDir: d.isDirectory()}))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  return {dir: absDir, configFile: absConfig, appName, main, sections: inspection.sections, distribution, publicDir, publicEntries}
}
