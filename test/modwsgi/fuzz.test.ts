/**
 * Hostile flag values either make a config that real `apache2 -t` accepts with
 * exactly the directives of a benign config (nothing injected), or a clear refusal
 * that names the flag.
 */
import fc from 'fast-check'
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import * as path from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'

import {UserError} from '../../src/lib/errors.js'
import {type ModwsgiInput, planModwsgi} from '../../src/lib/modwsgi/index.js'
import {ApacheServer, haveApache} from '../helpers/apache.js'
import {copyExample} from '../helpers/deployment.js'

const root = mkdtempSync(path.join(tmpdir(), 'tgdeploy-fuzz-'))
const project = path.join(root, 'project')
copyExample(project)
afterAll(() => rmSync(root, {recursive: true, force: true}))

const hostile = fc.oneof(
  fc.string({unit: fc.constantFrom('a', '/', ' ', '"', "'", '\n', '\r', '<', '>', '#', '$', '{', '}', '%', '\\', '\t', '\u0000', '\u2028', '.', '-', ':', '*'), maxLength: 16}),
  fc.constantFrom('/srv/x\nInclude /etc/shadow', 'x" "y', '/a b/c', '/ok/path', '${HOME}', '%{GLOBAL}', '</Directory>', 'evil.com', 'www-data', '/app', '127.0.0.1'),
)
const FLAGS = ['mount', 'serverName', 'serverAlias', 'deployDir', 'venvRoot', 'user', 'name', 'static', 'checkAllow', 'logDir', 'warmup'] as const

function request(flag: (typeof FLAGS)[number], value: string): ModwsgiInput {
  const base: ModwsgiInput = {
    cwd: project, config: 'production.ini', app: 'main', output: path.join(root, 'out'), mount: '/app', serverName: 'hello.test',
    serverAliases: ['www.hello.test'], port: 8080, deployDir: '/srv/hellotg', venvRoot: '/usr/local/pythonenv', baseline: 'BASELINE',
    user: 'www-data', processes: 1, threads: 5, maximumRequests: 0, locale: 'C.UTF-8', static: ['/media=/srv/media'],
    checkAllow: ['10.0.0.0/8'], logDir: '/var/log/apache2', defaultVhost: true, allowDebug: false, force: true, warmup: ['/'],
  }
  switch (flag) {
    case 'serverAlias': return {...base, serverAliases: [value]}
    case 'static': return {...base, static: [`/media=${value}`]}
    case 'checkAllow': return {...base, checkAllow: [value]}
    case 'warmup': return {...base, warmup: [value]}
    // apache2 -t checks that the log directory exists: keep it under the temp dir
    case 'logDir': return {...base, logDir: `${root}/${value}`}
    default: return {...base, [flag]: value}
  }
}

/** The directive names of a config, in order (section tags included). */
function directives(conf: string): string[] {
  return conf.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'))
    .map((l) => l.split(/\s/)[0])
}

describe.runIf(haveApache())('hostile flag values', () => {
  it('are refused by flag name, or give a config apache2 -t accepts with no extra directive', () => {
    const benign = planModwsgi(request('mount', '/app')).rendered
    const expected = directives(benign[0].content)
    const seed = Number(process.env.PROPERTY_SEED ?? Date.now() % 1_000_000)
    const samples = fc.sample(fc.tuple(fc.constantFrom(...FLAGS), hostile), {numRuns: 60, seed})
    let accepted = 0
    let refused = 0
    for (const [i, [flag, value]] of samples.entries()) {
      let conf: string
      let wsgi: string
      try {
        const {rendered, deployment} = planModwsgi(request(flag, value))
        if (flag === 'logDir') mkdirSync(deployment.paths.logDir, {recursive: true})
        conf = rendered[0].content
        wsgi = rendered[1].content
      } catch (error) {
        expect(error, `${flag}=${JSON.stringify(value)} (seed ${seed})`).toBeInstanceOf(UserError)
        expect((error as UserError).message).toMatch(/^(--[a-z-]+|\/|.*production\.ini)/)
        refused++
        continue
      }
      expect(directives(conf), `${flag}=${JSON.stringify(value)} (seed ${seed})`).toEqual(expected)
      // the Python side: each value is a single-line string literal
      expect(wsgi.split('\n').filter((l) => /^[A-Z_]+ = /.test(l)).every((l) => /^[A-Z_]+ = "([^"\\\n]|\\.)*"$/.test(l))).toBe(true)
      const file = path.join(root, `fuzz${i}.conf`)
      writeFileSync(file, conf)
      const test = new ApacheServer(path.join(root, `server${i}`), 8080, file).configTest()
      // a well-formed user/group name that does not exist on this machine is not an
      // injection: httpd -t looks it up (and tgdeploy doctor reports user-missing)
      const unknownAccount = (flag === 'user' || flag === 'group') && new RegExp(`bad (user|group) name ${value}$`, 'm').test(test.output)
      expect(test.ok || unknownAccount, `${flag}=${JSON.stringify(value)} (seed ${seed}): ${test.output}`).toBe(true)
      accepted++
    }
    expect(accepted + refused).toBe(60)
    expect(refused).toBeGreaterThan(0)
  })
})
