/**
 * The live site (--url): the smoke check answers and says the interpreter, the
 * sys.path order and the process group are right; the app itself answers.
 */
import * as path from 'node:path'

import type {Check, DoctorContext, Finding} from '../types.js'
import {appDaemon} from './files.js'

interface Reply {
  status: number
  body: string
}

/** GET with an explicit Host header (a site can be checked before its DNS points here). */
export async function httpGet(url: URL, host: string | undefined, timeoutMs: number): Promise<Reply> {
  const client = url.protocol === 'https:' ? await import('node:https') : await import('node:http')
  return new Promise((resolve, reject) => {
    const req = client.request(url, {method: 'GET', headers: host ? {Host: host} : {}, agent: false, timeout: timeoutMs}, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8')}))
      res.on('error', reject)
    })
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)))
    req.on('error', reject)
    req.end()
  })
}

interface SmokeReport {
  ok: boolean
  checks: Record<string, boolean>
  activation_error: string | null
  sys_path: string[]
  app_venv_site_packages: string | null
  process_group: string | null
}

async function smokeCheck(ctx: DoctorContext, base: URL): Promise<Finding[]> {
  const alias = ctx.site.scriptAliases.find((a) => path.basename(a.target) === 'test.wsgi')
  if (!alias) return []
  const url = new URL(`${alias.url}?format=json`, base.origin)
  const unreachable = (why: string, fix: string): Finding[] => [{id: 'check-unreachable', severity: 'error', message: `the smoke check ${url.href} ${why}`, fix, where: alias.where}]
  let reply: Reply
  try {
    reply = await httpGet(url, ctx.input.host, ctx.input.timeoutMs)
  } catch (error) {
    return unreachable(`did not answer: ${(error as Error).message}`, 'is Apache running with the site enabled (apache2ctl -S), and is --url the right host and port?')
  }
  if (reply.status === 403) return unreachable('answered 403', 'run doctor on the server itself (the check allows local requests only), or re-run tgdeploy modwsgi --check-allow <your IP>')
  // the smoke check answers 500 (with its JSON report) when one of its checks fails
  let info: SmokeReport | null = null
  try {
    info = JSON.parse(reply.body) as SmokeReport
  } catch {
    info = null
  }
  if (!info?.checks) {
    if (reply.status === 200) return unreachable('did not answer with the smoke check\'s JSON', 'is --url the right site? (--host sets the Host header)')
    return unreachable(`answered ${reply.status}`, `read the error log of the site; ${reply.status === 404 ? 'is the site enabled and --url the right virtual host (--host)?' : 'the daemon failed to run test.wsgi'}`)
  }
  const findings: Finding[] = []
  const checks = info.checks
  if (!checks.venv_first_on_sys_path) {
    findings.push({
      id: 'venv-not-first', severity: 'error',
      message: `the app virtualenv is not first on sys.path in the daemon (sys.path[0] is ${info.sys_path?.[0] ?? '?'}${info.activation_error ? `; ${info.activation_error}` : ''}): packages from elsewhere shadow the app's`,
      fix: 'make the app virtualenv with mod_wsgi\'s Python (tgdeploy venv --recreate), then apache2ctl graceful',
      where: url.href,
    })
  }
  // the app's daemon: the smoke check must run where the app runs
  const expected = appDaemon(ctx).name ?? alias.options['process-group']
  if (!checks.daemon_mode || (expected && info.process_group !== expected)) {
    findings.push({
      id: 'wrong-process-group', severity: 'error',
      message: `the smoke check ran in process group ${JSON.stringify(info.process_group ?? '')}${expected ? `, not "${expected}"` : ''}: the app does not run in its own daemon`,
      fix: `serve both scripts with process-group=${expected ?? '<daemon name>'} application-group=%{GLOBAL}, then apache2ctl graceful`,
      where: url.href,
    })
  }
  const failed = Object.entries(checks).filter(([name, ok]) => !ok && name !== 'venv_first_on_sys_path' && name !== 'daemon_mode').map(([name]) => name)
  if (failed.length) {
    findings.push({id: 'check-failed', severity: 'error', message: `the smoke check reports: ${failed.join(', ')} failed`, fix: `open ${url.href.replace('?format=json', '')} for details, fix, then apache2ctl graceful`, where: url.href})
  }
  return findings
}

export const liveCheck: Check = {
  name: 'live',
  title: 'the live site: smoke check and app answer',
  async run(ctx) {
    if (!ctx.input.url) return {skipped: 'give --url to check the running site'}
    const base = new URL(ctx.input.url)
    const findings = await smokeCheck(ctx, base)
    try {
      const reply = await httpGet(base, ctx.input.host, ctx.input.timeoutMs)
      if (reply.status >= 500 || reply.status === 403) {
        findings.push({
          id: 'app-not-answering', severity: 'error',
          message: `${base.href} answered ${reply.status}`,
          fix: reply.status === 403 ? 'a grant is missing (see grant-missing) or the Host does not match the virtual host (--host)' : 'read the site\'s error log: the app failed to load or raised (tail -n 50 /var/log/apache2/error.log)',
          where: base.href,
        })
      } else if (reply.status === 404) {
        findings.push({id: 'app-not-answering', severity: 'warning', message: `${base.href} answered 404`, fix: 'check --url: the mount point and the Host (--host)', where: base.href})
      }
    } catch (error) {
      findings.push({
        id: 'app-not-answering', severity: 'error',
        message: `${base.href} did not answer: ${(error as Error).message}`,
        fix: 'is Apache running (systemctl status apache2)? A request that hangs usually means python-home is wrong or the daemon cannot start: read the error log',
        where: base.href,
      })
    }
    return findings
  },
}
