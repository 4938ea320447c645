/**
 * The production.ini the app script loads, read as PasteDeploy reads it: present,
 * loadable, and not carrying development settings into production.
 */
import {existsSync} from 'node:fs'
import * as path from 'node:path'

import {IniSyntaxError} from '../../ini/configparser.js'
import {appWritableDirs, type IniInspection, inspectConfig} from '../../ini/inspect.js'
import {iniRisks} from '../../ini/safety.js'
import type {Check, DoctorContext, Finding} from '../types.js'

/**
 * The ini the app script loads, read once per doctor run (the files check needs its
 * data dirs too): null when there is no readable path to it.
 */
export function readAppIni(ctx: DoctorContext): {file: string; inspection: IniInspection} | {file: string; syntaxError: IniSyntaxError} | null {
  const script = ctx.appScript
  const file = script?.configFile
  if (!script || !file || !existsSync(file)) return null
  try {
    return {file, inspection: inspectConfig(file, script.appName && script.appName !== 'main' ? script.appName : undefined)}
  } catch (error) {
    if (!(error instanceof IniSyntaxError)) throw error
    return {file, syntaxError: error}
  }
}

/** Directories the app writes, by that ini (see appWritableDirs); none when it does not load. */
export function iniWritableDirs(ctx: DoctorContext): string[] {
  const ini = ctx.appIni()
  return ini && 'inspection' in ini && !('error' in ini.inspection.main) ? appWritableDirs(ini.inspection.main.config).map((p) => path.resolve(p)) : []
}

export const iniCheck: Check = {
  name: 'production-ini',
  title: 'the ini loads, without debug, placeholder secrets or a development config',
  run(ctx) {
    const script = ctx.appScript
    if (!script) return {skipped: 'no application script to read the ini path from'}
    const ini = script.configFile
    if (!ini) return {skipped: `${script.file} does not name a config file this tool can read`}
    if (!existsSync(ini)) {
      return [{id: 'ini-missing', severity: 'error', message: `${ini}, the config ${path.basename(script.file)} loads, does not exist: every request gets a 500`, fix: `copy the ini there, or re-run tgdeploy modwsgi --config <ini> in the project`, where: script.file}]
    }
    const read = ctx.appIni()!
    if ('syntaxError' in read) {
      const error = read.syntaxError
      return [{id: 'ini-invalid', severity: 'error', message: `${error.file}:${error.line}: ${error.detail}: loadapp fails, every request gets a 500`, fix: error.fix, where: ini}]
    }
    const {inspection} = read
    if ('error' in inspection.main) {
      return [{id: 'ini-invalid', severity: 'error', message: `${ini}: PasteDeploy cannot load the app: ${inspection.main.error}`, fix: 'correct the app section (tgdeploy inspect shows how PasteDeploy reads it)', where: ini}]
    }
    return iniRisks(ini, inspection.main.config, inspection.main.section).map((risk): Finding => ({
      id: risk.id,
      severity: risk.id === 'debug-enabled' ? 'error' : 'warning',
      message: risk.message,
      fix: risk.fix,
      where: ini,
    }))
  },
}
