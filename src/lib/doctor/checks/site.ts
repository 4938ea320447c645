/**
 * The site config read as httpd would: daemon groups and their selection,
 * server-scope directives, access rules, the file's name, the daemon's locale.
 */
import {existsSync, statSync} from 'node:fs'
import * as path from 'node:path'

import {is} from '../../apache/config.js'
import {run} from '../../spawn.js'
import {accessDecision} from '../access-rules.js'
import {siteModel} from '../site.js'
import type {Check, DoctorContext, Finding} from '../types.js'

function otherSites(ctx: DoctorContext) {
  return ctx.systemTrees.map((t) => siteModel(t.file, t))
}

export const groupsCheck: Check = {
  name: 'process-groups',
  title: 'each daemon group is defined once, at server scope, and selected',
  run(ctx) {
    const findings: Finding[] = []
    const site = ctx.site
    const others = otherSites(ctx)
    const defined = new Set([...site.daemons, ...others.flatMap((o) => o.daemons)].map((d) => d.name))
    const selected = new Set([...site.selections, ...others.flatMap((o) => o.selections)].map((s) => s.group))
    for (const s of site.selections) {
      // %{GLOBAL}, %{ENV:...} and friends are resolved per request
      if (s.group.startsWith('%{') || defined.has(s.group)) continue
      findings.push({
        id: 'process-group-undefined', severity: 'error',
        message: `${s.via} names the daemon group "${s.group}", which no WSGIDaemonProcess defines: requests get a 500 ("No WSGI daemon process called '${s.group}' has been configured")`,
        fix: `define it (WSGIDaemonProcess ${s.group} ...) at server scope, or select one of: ${[...defined].join(', ') || '(none defined)'}`,
        where: s.where,
      })
    }
    for (const d of site.daemons) {
      if (!selected.has(d.name)) {
        findings.push({
          id: 'daemon-never-selected', severity: 'error',
          message: `the daemon group "${d.name}" is defined but nothing selects it: the app runs embedded in Apache's own processes and python-home is ignored`,
          fix: `add process-group=${d.name} application-group=%{GLOBAL} to the WSGIScriptAlias line (or WSGIProcessGroup ${d.name} where the script is served)`,
          where: d.where,
        })
      }
    }
    const seen = new Map<string, string>()
    for (const d of [...others.flatMap((o) => o.daemons), ...site.daemons]) {
      const first = seen.get(d.name)
      if (first && d.where.startsWith(site.file)) {
        findings.push({
          id: 'daemon-duplicate', severity: 'error',
          message: `WSGIDaemonProcess "${d.name}" is defined twice (first at ${first}): Apache refuses to start ("Name duplicates previous WSGI daemon definition")`,
          fix: 'define each daemon group once, at server scope outside <VirtualHost>, and only select it (process-group=) in each virtual host; copies made for HTTPS (certbot) must drop the WSGIDaemonProcess line',
          where: d.where,
        })
      } else if (!first) {
        seen.set(d.name, d.where)
      }
    }
    for (const d of site.serverScopeInVhost) {
      findings.push({
        id: 'server-scope-in-vhost', severity: 'error',
        message: `${d.name} is only allowed at server scope, not inside <VirtualHost>: the config test fails`,
        fix: is(d, 'WSGIPythonHome') ? 'use python-home=... on the WSGIDaemonProcess line instead' : is(d, 'WSGIPythonPath') ? 'use python-path=... on the WSGIDaemonProcess line instead, or add the path in the .wsgi' : `move ${d.name} above and outside the <VirtualHost> section`,
        where: `${d.file}:${d.line}`,
      })
    }
    for (const d of site.daemons) {
      const user = d.options.user
      if (user && !ctx.user(user)) {
        findings.push({id: 'user-missing', severity: 'error', message: `user=${user} of daemon "${d.name}": no such user, Apache fails to start`, fix: `useradd --system --no-create-home ${user}, or user=${ctx.apacheUser}`, where: d.where})
      }
    }
    return findings
  },
}

function normaliseLocale(name: string): string {
  return name.toLowerCase().replace(/utf-?8/, 'utf8')
}

export const localeCheck: Check = {
  name: 'locale',
  title: 'the daemon\'s lang/locale exists on this system and is UTF-8',
  run(ctx) {
    const wanted = ctx.site.daemons.flatMap((d) => ['lang', 'locale'].filter((k) => d.options[k]).map((k) => ({daemon: d, key: k, value: d.options[k]})))
    if (!wanted.length) return {skipped: 'no lang=/locale= on WSGIDaemonProcess'}
    const r = run(['locale', '-a'], {timeoutMs: 10_000})
    if (r.status !== 0) return {skipped: '`locale -a` did not run'}
    const available = new Set(r.stdout.split('\n').map((l) => normaliseLocale(l.trim())).filter(Boolean))
    const findings: Finding[] = []
    for (const w of wanted) {
      const norm = normaliseLocale(w.value)
      if (!available.has(norm)) {
        findings.push({
          id: 'locale-missing', severity: 'error',
          message: `${w.key}=${w.value} of daemon "${w.daemon.name}" is not installed (locale -a): mod_wsgi accepts it silently and Python falls back to ASCII, so non-ASCII file names and output raise UnicodeEncodeError`,
          fix: `use ${w.key}=C.UTF-8, or generate it: uncomment ${w.value} in /etc/locale.gen and run locale-gen`,
          where: w.daemon.where,
        })
      } else if (!norm.endsWith('.utf8')) {
        findings.push({id: 'locale-missing', severity: 'warning', message: `${w.key}=${w.value} is not a UTF-8 locale: non-ASCII text fails`, fix: `use ${w.key}=C.UTF-8`, where: w.daemon.where})
      }
    }
    return findings
  },
}

export const siteFileCheck: Check = {
  name: 'site-file',
  title: 'the site file is named *.conf',
  run(ctx) {
    if (ctx.siteFile.endsWith('.conf')) return []
    return [{
      id: 'site-file-name', severity: 'error',
      message: `${path.basename(ctx.siteFile)} does not end in .conf: a2ensite refuses it and Debian's "IncludeOptional sites-enabled/*.conf" skips it`,
      fix: `mv ${ctx.siteFile} ${ctx.siteFile}.conf`,
      where: ctx.siteFile,
    }]
  },
}

function inside(p: string, root: string): boolean {
  const r = path.resolve(root)
  const rel = path.relative(r, path.resolve(p))
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel))
}

export const accessRulesCheck: Check = {
  name: 'access-rules',
  title: 'scripts and static files are granted, with 2.4 syntax, outside any DocumentRoot',
  run(ctx) {
    const findings: Finding[] = []
    const main = ctx.systemTrees.filter((t) => t.file === ctx.install.mainConfig)
    const trees = [...main, ctx.site.tree]
    const targets = [
      ...ctx.site.scriptAliases.map((a) => ({target: a.target, where: a.where, what: 'the WSGI script'})),
      ...ctx.site.aliases.map((a) => ({target: a.target, where: a.where, what: `the static files at ${a.url}`})),
    ]
    for (const t of targets) {
      if (!existsSync(t.target)) continue
      const isFile = !statSync(t.target).isDirectory()
      const decision = accessDecision(trees, t.target, isFile)
      if (decision.granted) continue
      const dir = isFile ? path.dirname(t.target) : t.target
      findings.push({
        id: 'grant-missing', severity: 'error',
        message: `no Require grants ${t.what} ${t.target}${decision.decidedBy ? ` (denied by ${decision.decidedBy})` : ''}: every request gets 403 (AH01630 "client denied by server configuration")`,
        fix: isFile
          ? `add: <Directory "${dir}"> <Files "${path.basename(t.target)}"> Require all granted </Files> </Directory>`
          : `add: <Directory "${dir}"> Require all granted </Directory>`,
        where: t.where,
      })
    }
    for (const d of ctx.site.accessCompat) {
      findings.push({
        id: 'apache22-access', severity: 'error',
        message: `${d.name} ${d.args.join(' ')} is Apache 2.2 access control: on 2.4 it fails the config test without mod_access_compat, and mixed with Require it gives 403s`,
        fix: is(d, 'Deny') && /^from all$/i.test(d.args.join(' ')) ? 'replace it with "Require all denied"' : 'replace "Order allow,deny" and "Allow from all" with "Require all granted" ("Allow from 10.0.0.0/8" becomes "Require ip 10.0.0.0/8")',
        where: `${d.file}:${d.line}`,
      })
    }
    const roots = [...ctx.site.documentRoots, ...ctx.systemTrees.flatMap((t) => siteModel(t.file, t).documentRoots)]
    const code = [
      ...ctx.site.scriptAliases.map((a) => a.target),
      ...(ctx.appScript?.configFile ? [ctx.appScript.configFile] : []),
    ]
    for (const root of roots) {
      const exposed = code.filter((file) => inside(file, root.path))
      if (exposed.length) {
        findings.push({
          id: 'source-in-document-root', severity: 'error',
          message: `${exposed.join(', ')} ${exposed.length > 1 ? 'are' : 'is'} inside the DocumentRoot ${root.path}: the source and the ini (secrets, database passwords) can be downloaded`,
          fix: `move the project out of ${root.path} (e.g. to /srv/<name>) and re-run tgdeploy modwsgi --deploy-dir /srv/<name>`,
          where: root.where,
        })
      }
    }
    return findings
  },
}

export const daemonOptionsCheck: Check = {
  name: 'daemon-options',
  title: 'daemon options and script aliases avoid the known traps',
  run(ctx) {
    const findings: Finding[] = []
    for (const d of ctx.site.daemons) {
      const pythonPath = d.options['python-path']
      if (pythonPath && /site-packages/.test(pythonPath)) {
        findings.push({
          id: 'python-path-site-packages', severity: 'warning',
          message: `daemon "${d.name}" adds a site-packages directory with python-path=${pythonPath}: the system Python's packages stay on sys.path ahead of it, and the venv's .pth files are not processed`,
          fix: 'use python-home=<virtualenv root> (or the empty baseline, and add the app venv in the .wsgi as tgdeploy does)',
          where: d.where,
        })
      }
      if (!d.options['request-timeout']) {
        findings.push({
          id: 'no-request-timeout', severity: 'warning',
          message: `daemon "${d.name}" has no request-timeout: hung requests pile up until every thread is stuck ("Timeout when reading response headers")`,
          fix: 'add request-timeout=60 queue-timeout=45 socket-timeout=60 connect-timeout=15 (mod_wsgi-express\'s values)',
          where: d.where,
        })
      }
    }
    for (const a of ctx.site.scriptAliases) {
      const group = a.options['application-group']
      if (group === undefined || group === '%{GLOBAL}') continue
      findings.push({
        id: 'application-group-not-global', severity: 'warning',
        message: `${a.url} runs in the sub-interpreter "${group}": C extensions (lxml, numpy, psycopg...) can hang or crash outside the main interpreter`,
        fix: 'use application-group=%{GLOBAL} (one app per daemon group)',
        where: a.where,
      })
    }
    for (const a of ctx.site.scriptAliases) {
      if (a.url.length > 1 && a.url.endsWith('/')) {
        findings.push({
          id: 'mount-trailing-slash', severity: 'warning',
          message: `WSGIScriptAlias ${a.url} ends with a slash: ${a.url.slice(0, -1)} itself is not served, and URLs the app builds from SCRIPT_NAME come out wrong`,
          fix: `write WSGIScriptAlias ${a.url.replace(/\/+$/, '')} ...`,
          where: a.where,
        })
      }
    }
    return findings
  },
}
