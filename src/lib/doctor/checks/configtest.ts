/**
 * httpd's own config test. An installed site is tested with the system config; a
 * site not installed yet is included in a private config that loads the system's
 * enabled modules. Only `-t` is run: the running server is never touched.
 */
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import * as path from 'node:path'

import {run} from '../../spawn.js'
import type {Check, DoctorContext, Finding} from '../types.js'

function privateConfig(ctx: DoctorContext, dir: string): string {
  const root = ctx.install.root
  const lines = [
    `ServerRoot "${root ?? dir}"`,
    `PidFile "${path.join(dir, 'httpd.pid')}"`,
    `DefaultRuntimeDir "${dir}"`,
    `ErrorLog "${path.join(dir, 'error.log')}"`,
    'ServerName localhost',
  ]
  if (root && ctx.install.debianLayout) lines.push(`IncludeOptional "${root}/mods-enabled/*.load"`)
  else if (root) lines.push(`IncludeOptional "${root}/conf.modules.d/*.conf"`)
  // a module file name that could not be written safely is left out (the test then says why)
  if (ctx.modWsgi && !/["$\n\\]/.test(ctx.modWsgi.module)) lines.push('<IfModule !wsgi_module>', `    LoadModule wsgi_module "${ctx.modWsgi.module}"`, '</IfModule>')
  lines.push(`Include "${ctx.siteFile}"`, '')
  const file = path.join(dir, 'httpd.conf')
  writeFileSync(file, lines.join('\n'))
  return file
}

export const configTestCheck: Check = {
  name: 'config-test',
  title: 'httpd -t accepts the config',
  run(ctx) {
    const binary = ctx.install.binary
    if (!binary) return {skipped: 'no Apache binary (apache2/httpd) on this machine'}
    const env = {...process.env, ...ctx.install.vars}
    let argv: string[]
    let what: string
    let tmp: string | null = null
    if (ctx.installed && ctx.install.mainConfig) {
      argv = [binary, '-d', ctx.install.root!, '-f', ctx.install.mainConfig, '-t']
      what = `the system config ${ctx.install.mainConfig}, which includes the site`
    } else {
      tmp = mkdtempSync(path.join(tmpdir(), 'tgdeploy-doctor-'))
      argv = [binary, '-f', privateConfig(ctx, tmp), '-t']
      what = 'a private config that includes the site (it is not enabled yet)'
    }
    try {
      const r = run(argv, {env, timeoutMs: 30_000})
      if (r.status === 0) return []
      const output = `${r.stdout}${r.stderr}`.split('\n').filter((l) => l.trim() && !/AH00558/.test(l)).slice(0, 6).join(' | ')
      const text = `${r.stdout}${r.stderr}`
      const at = /line (\d+) of (.+?):?$/m.exec(text)
      const definedAt = /defined at (\S+):(\d+)/.exec(text)
      const finding: Finding = {
        id: 'configtest-failed', severity: 'error',
        message: `${path.basename(binary)} -t on ${what} fails: ${output || `exit code ${r.status}`}`,
        fix: 'correct the line it names; Apache will not start (or reload) with this config',
        where: at ? `${at[2]}:${at[1]}` : definedAt ? `${definedAt[1]}:${definedAt[2]}` : ctx.siteFile,
      }
      return [finding]
    } finally {
      if (tmp) rmSync(tmp, {recursive: true, force: true})
    }
  },
}
