/**
 * What in an effective PasteDeploy config makes a deployment unsafe: the
 * interactive debugger, placeholder secrets, a development ini. Shared by
 * `modwsgi` (refuses or warns while planning) and `doctor` (reports).
 */
import * as path from 'node:path'

export interface IniRisk {
  id: 'debug-enabled' | 'placeholder-secret' | 'development-ini'
  message: string
  fix: string
}

const TRUE_VALUES = new Set(['true', 'yes', 'on', 'y', 't', '1'])
const PLACEHOLDER_SECRET = /^(|secret|somesecret|changeme|change-?me|mysecret|seekrit|itsasecret|sekrit|123456|password|none|null|your[-_ ]?secret.*|.*\{\{.*\}\}.*)$/i
const SECRET_KEYS = /(secret|password|passwd|api_key|signing_key)$/i
const DEVELOPMENT_INI = /(^|[-_.])(development|dev|test)\.ini$/i

export function isTrue(value: string | undefined): boolean {
  return value !== undefined && TRUE_VALUES.has(value.trim().toLowerCase())
}

/** `config` is the app's effective config (global_conf + local_conf, as the app factory gets it). */
export function iniRisks(configFile: string, config: Record<string, string>, section: string): IniRisk[] {
  const risks: IniRisk[] = []
  const base = path.basename(configFile)
  if (isTrue(config.debug)) {
    risks.push({
      id: 'debug-enabled',
      message: `${configFile}: debug = ${config.debug} in the effective config of [${section}]: the interactive debugger lets any visitor run Python code on the server`,
      fix: 'set "set debug = false" in the app section (a plain "debug = false" there is ignored when [DEFAULT] has debug)',
    })
  }
  for (const [key, value] of Object.entries(config)) {
    if (SECRET_KEYS.test(key) && PLACEHOLDER_SECRET.test(value.trim())) {
      risks.push({
        id: 'placeholder-secret',
        message: `${key} = ${JSON.stringify(value)} looks like a placeholder`,
        fix: `set a long random value in ${base} before going live (python3 -c "import secrets; print(secrets.token_urlsafe(32))")`,
      })
    }
  }
  if (DEVELOPMENT_INI.test(base)) {
    risks.push({id: 'development-ini', message: `${base} looks like a development or test config`, fix: 'deploy a production.ini (debug off, real secrets, production database)'})
  }
  return risks
}
