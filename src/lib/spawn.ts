/**
 * The one module that runs other programs: argv arrays, no shell, explicit cwd,
 * stderr collected, a non-zero exit turned into an error that says what failed.
 */
import {spawnSync} from 'node:child_process'

export interface RunResult {
  status: number | null
  stdout: string
  stderr: string
  error?: Error
}

export function run(argv: string[], options: {cwd?: string; env?: NodeJS.ProcessEnv; inherit?: boolean; timeoutMs?: number} = {}): RunResult {
  const [cmd, ...args] = argv
  const r = spawnSync(cmd, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    encoding: 'utf8',
    stdio: options.inherit ? ['ignore', 'inherit', 'inherit'] : ['ignore', 'pipe', 'pipe'],
    timeout: options.timeoutMs ?? 600_000,
    maxBuffer: 64 * 1024 * 1024,
  })
  return {status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', error: r.error}
}

export class CommandFailed extends Error {
  constructor(readonly argv: string[], readonly result: RunResult) {
    const detail = result.error ? result.error.message : (result.stderr.trim().split('\n').slice(-5).join('\n') || `exit code ${result.status}`)
    super(`${argv.join(' ')} failed: ${detail}`)
    this.name = 'CommandFailed'
  }
}

export function runChecked(argv: string[], options: Parameters<typeof run>[1] = {}): RunResult {
  const r = run(argv, options)
  if (r.error || r.status !== 0) throw new CommandFailed(argv, r)
  return r
}
