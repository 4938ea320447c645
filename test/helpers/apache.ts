/**
 * Test helpers around the private Apache (private-apache.mjs, shared with the
 * benchmarks) and a plain GET with an explicit Host header.
 */
import {existsSync} from 'node:fs'
import * as path from 'node:path'

import {APACHE, MODULES, PrivateApache} from './private-apache.mjs'

export {freePort} from './private-apache.mjs'

/** Apache and mod_wsgi present? Under CI their absence fails the suite instead of skipping it. */
export function haveApache(): boolean {
  const ok = existsSync(APACHE) && existsSync(path.join(MODULES, 'mod_wsgi.so'))
  if (!ok && process.env.CI) throw new Error('CI needs apache2 and libapache2-mod-wsgi-py3 (installed by .ci/run)')
  return ok
}

/** The tests' private Apache: one site Included, LogLevel info (tests read mod_wsgi's start-up lines). */
export class ApacheServer extends PrivateApache {
  constructor(root: string, port: number, include: string) {
    super(root, port, {include})
  }
}

export interface Reply {
  status: number
  body: string
  headers: Record<string, string>
  ms: number
}

/** A GET over loopback with an explicit Host header. */
export async function get(port: number, urlPath: string, host = '127.0.0.1'): Promise<Reply> {
  const http = await import('node:http')
  const started = performance.now()
  return new Promise((resolve, reject) => {
    const req = http.request({host: '127.0.0.1', port, path: urlPath, headers: {Host: host}, agent: false}, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({
        status: res.statusCode ?? 0,
        body: Buffer.concat(chunks).toString('utf8'),
        headers: res.headers as Record<string, string>,
        ms: performance.now() - started,
      }))
    })
    req.setTimeout(30_000, () => req.destroy(new Error(`GET ${urlPath} timed out`)))
    req.on('error', reject)
    req.end()
  })
}
