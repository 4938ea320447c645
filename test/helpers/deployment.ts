/**
 * The example, deployed for real: copied to ROOT/srv/hellotg, venvs made and the
 * app installed (offline) by `tgdeploy venv`, the site written by `tgdeploy modwsgi`.
 */
import {chmodSync, cpSync, mkdirSync, mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import * as path from 'node:path'
import {expect} from 'vitest'

import {EXAMPLE, tgdeploy} from './cli.js'

/** A clean copy of the example: no generated apache/, data/ or build output. */
export function copyExample(dest: string): void {
  cpSync(EXAMPLE, dest, {recursive: true, filter: (src) => !/\/(apache|data|build|[^/]*\.egg-info)$/.test(src)})
}

export interface ExampleDeployment {
  root: string
  project: string
  venvRoot: string
  /** ROOT/server/logs: the virtual host's logs (httpd -t fails when the directory is missing). */
  logDir: string
  siteFile: string
  /** The modwsgi arguments used, to re-run them. */
  modwsgiArgs: string[]
}

export function deployExample(prefix: string, options: {host: string; port: number; modwsgiFlags?: string[]}): ExampleDeployment {
  const root = mkdtempSync(path.join(tmpdir(), prefix))
  chmodSync(root, 0o755)
  const project = path.join(root, 'srv', 'hellotg')
  const venvRoot = path.join(root, 'venvs')
  const logDir = path.join(root, 'server', 'logs')
  mkdirSync(logDir, {recursive: true})
  copyExample(project)
  chmodSync(path.join(root, 'srv'), 0o755)
  const venv = tgdeploy(['venv', '--cwd', project, '--venv-root', venvRoot, '--system-site-packages', '--install', '--', '--no-index', '--no-build-isolation', '-q'])
  expect(venv.status, venv.stderr).toBe(0)
  const modwsgiArgs = ['modwsgi', '--cwd', project, '--mount', '/app', '--server-name', options.host, '--port', String(options.port),
    '--venv-root', venvRoot, '--log-dir', logDir, ...(options.modwsgiFlags ?? [])]
  const gen = tgdeploy(modwsgiArgs)
  expect(gen.status, gen.stderr).toBe(0)
  return {root, project, venvRoot, logDir, siteFile: path.join(project, 'apache', 'hellotg.conf'), modwsgiArgs}
}
