/**
 * A failure that is not a verdict: the registry cannot be reached, a file cannot be read, the
 * project file is malformed. The command exits with 2, like a usage error.
 */
export class InfrastructureError extends Error {
  override readonly name = 'InfrastructureError'
}

/** Exit codes shared by every command. */
export const EXIT = { OK: 0, FAILED: 1, ERROR: 2 } as const

/** Bad flags or arguments: the command prints the message and exits with 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError'
}
