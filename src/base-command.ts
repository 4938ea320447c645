import {Command} from '@oclif/core'

import {asUserError} from './lib/errors.js'

/**
 * Shared error handling: bad input exits 2 with `message` and its fix, in text and in
 * `--json` mode alike (oclif's own `catch` loses a custom exit code under `--json`).
 */
export abstract class BaseCommand extends Command {
  static override enableJsonFlag = true

  protected override async catch(err: Error & {exitCode?: number}): Promise<unknown> {
    const userError = asUserError(err)
    if (!userError) return super.catch(err)
    process.exitCode = userError.exitCode
    if (this.jsonEnabled()) {
      this.logJson({error: {code: userError.code, message: userError.message, fix: userError.fix ?? null, exitCode: userError.exitCode}})
      return
    }
    this.error(userError.fix ? `${userError.message}\nFix: ${userError.fix}` : userError.message, {
      code: userError.code,
      exit: userError.exitCode,
    })
  }
}
