/**
 * Files and directories as the daemon user and Apache's user meet them: every
 * directory on the way must be searchable, scripts and the ini readable, the egg
 * cache and the ini's data dirs writable. Mode bits only (not ACLs or SELinux).
 */
import {existsSync} from 'node:fs'
import * as path from 'node:path'

import {accessDenied, describeDenied, type SystemUser, type Want} from '../../system/access.js'
import type {Check, DoctorContext, Finding} from '../types.js'
import {iniWritableDirs} from './ini.js'

/** The fix for a path the daemon user cannot reach: open the directory that stops it, or move out of homes. */
function traversalFix(at: string): string {
  return `chmod o+x ${at} (or 755), or move the project and virtualenvs out of /root and home directories, e.g. to /srv and /usr/local/pythonenv`
}

/** The daemon that serves the app script, and the user it runs as. */
export function appDaemon(ctx: DoctorContext): {name: string | null; user: string; group: string} {
  const alias = ctx.site.scriptAliases.find((a) => ctx.appScript && path.resolve(a.target) === path.resolve(ctx.appScript.file))
  const groupName = alias?.options['process-group'] ?? ctx.site.selections.find((s) => s.via === 'WSGIProcessGroup')?.group ?? null
  const daemon = ctx.site.daemons.find((d) => d.name === groupName) ?? ctx.site.daemons[0]
  const user = daemon?.options.user ?? ctx.apacheUser
  return {name: daemon?.name ?? null, user, group: daemon?.options.group ?? user}
}

function denied(user: SystemUser | null, target: string, want: Want): {why: string; at: string} | null {
  if (!user) return null
  const d = accessDenied(user, target, want)
  return d ? {why: describeDenied(user, d), at: d.at} : null
}

export const filesCheck: Check = {
  name: 'files',
  title: 'scripts, ini and virtualenvs are reachable by the daemon user; writable dirs are writable',
  run(ctx) {
    const findings: Finding[] = []
    const daemon = appDaemon(ctx)
    const daemonUser = ctx.user(daemon.user)
    const apacheUser = ctx.user(ctx.apacheUser)
    for (const alias of ctx.site.scriptAliases) {
      if (!existsSync(alias.target)) {
        findings.push({
          id: 'wsgi-script-missing', severity: 'error',
          message: `the WSGIScriptAlias target ${alias.target} does not exist: ${alias.url} answers 404 ("Target WSGI script not found")`,
          fix: 'run tgdeploy modwsgi again in the project (it writes the .wsgi), or correct the path on the WSGIScriptAlias line',
          where: alias.where,
        })
        continue
      }
      const no = denied(daemonUser, alias.target, 'read') ?? denied(apacheUser, alias.target, 'read')
      if (no) {
        findings.push({
          id: 'wsgi-script-unreadable', severity: 'error',
          message: `${alias.target} cannot be read: ${no.why}; ${alias.url} answers 403 or 500`,
          fix: traversalFix(no.at),
          where: alias.where,
        })
      }
    }
    const ini = ctx.appScript?.configFile
    if (ini && existsSync(ini)) {
      const no = denied(daemonUser, ini, 'read')
      if (no) findings.push({id: 'path-unreadable', severity: 'error', message: `the ini ${ini} cannot be read: ${no.why}; loadapp fails with a 500`, fix: traversalFix(no.at), where: ini})
    }
    const venvs = [
      ...ctx.site.daemons.map((d) => d.options['python-home']).filter((p): p is string => Boolean(p)),
      ...(ctx.appScript?.appVenv ? [ctx.appScript.appVenv] : []),
    ]
    for (const venv of venvs) {
      if (!existsSync(venv)) continue
      const no = denied(daemonUser, venv, 'list')
      if (no) findings.push({id: 'path-unreadable', severity: 'error', message: `the virtualenv ${venv} cannot be read: ${no.why}; the interpreter or the app's packages fail to load`, fix: no.at === venv ? `chmod -R a+rX ${venv}` : traversalFix(no.at), where: venv})
    }
    for (const alias of ctx.site.aliases) {
      if (!existsSync(alias.target)) {
        findings.push({id: 'path-unreadable', severity: 'warning', message: `the static Alias target ${alias.target} does not exist: ${alias.url} answers 404`, fix: 'correct the Alias line, or re-run tgdeploy modwsgi after moving public/', where: alias.where})
        continue
      }
      const no = denied(apacheUser, alias.target, 'read')
      if (no) findings.push({id: 'path-unreadable', severity: 'error', message: `the static files ${alias.target} cannot be read: ${no.why}; ${alias.url} answers 403`, fix: no.at === alias.target ? `chmod -R a+rX ${alias.target}` : traversalFix(no.at), where: alias.where})
    }
    const writable = [
      // inside a missing app venv the egg cache is app-venv-missing's consequence, not a finding of its own
      ...(ctx.appScript?.eggCache && !(ctx.appScript.appVenv && !existsSync(ctx.appScript.appVenv)) ? [{dir: ctx.appScript.eggCache, what: 'the egg cache (PYTHON_EGG_CACHE)', mustExist: true}] : []),
      ...(ini && existsSync(ini) ? iniWritableDirs(ctx).map((dir) => ({dir, what: `${path.basename(ini)}'s data directory`, mustExist: false})) : []),
    ]
    const owner = `${daemon.user}:${daemon.group}`
    const fix = (dir: string) => `install -d -o ${daemon.user} -g ${daemon.group} -m 750 ${dir}   # or: chown ${owner} ${dir}`
    for (const {dir, what, mustExist} of writable) {
      let probe = dir
      while (!existsSync(probe) && probe !== '/') probe = path.dirname(probe)
      if (probe !== dir && mustExist) {
        findings.push({id: 'dir-not-writable', severity: 'error', message: `${what} ${dir} does not exist: packages that unpack eggs fail with "Can't extract file(s) to egg cache"`, fix: fix(dir), where: dir})
        continue
      }
      const no = denied(daemonUser, probe, 'write')
      if (no) {
        findings.push({
          id: 'dir-not-writable', severity: 'error',
          message: `${what} ${dir}${probe === dir ? '' : ' (not made yet)'} is not writable by the daemon user: ${no.why}`,
          fix: fix(dir),
          where: dir,
        })
      }
    }
    return findings
  },
}
