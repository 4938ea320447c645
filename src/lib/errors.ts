import {IniSyntaxError} from './ini/configparser.js'

/**
 * Bad input the user can fix: a flag, a file, a path. Exit code 2, no stack trace.
 * `message` names what is wrong (the flag, or FILE:LINE); `fix` says what to do.
 */
export class UserError extends Error {
  readonly exitCode = 2
  constructor(message: string, readonly fix?: string, readonly code = 'BAD_INPUT') {
    super(message)
    this.name = 'UserError'
  }
}

/** Turn the errors our modules throw on bad input into UserErrors; anything else is a bug and is left alone. */
export function asUserError(error: unknown): UserError | undefined {
  if (error instanceof UserError) return error
  if (error instanceof IniSyntaxError) {
    return new UserError(`${error.file}:${error.line}: ${error.detail}`, error.fix, error.kind)
  }
  return undefined
}
