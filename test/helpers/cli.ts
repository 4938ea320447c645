import {spawnSync} from 'node:child_process'
import * as path from 'node:path'
import {fileURLToPath} from 'node:url'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
export const EXAMPLE = path.join(ROOT, 'examples', 'hellotg')

/** Run the built binary (bin/run.js, with its oclif manifest) as a user would. */
export function tgdeploy(args: string[], cwd = ROOT): {status: number | null; stdout: string; stderr: string} {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'run.js'), ...args], {
    cwd, encoding: 'utf8', env: {...process.env, FORCE_COLOR: '0'}, timeout: 300_000,
  })
  return {status: r.status, stdout: r.stdout, stderr: r.stderr}
}
