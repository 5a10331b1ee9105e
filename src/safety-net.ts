import { writeSync } from 'node:fs'

/** One line on stderr, written at once or not at all: it never blocks, retries or throws. */
function stderrLine(message: string, error: unknown): void {
  try {
    writeSync(2, `registrum: ${message}: ${(error as Error)?.stack ?? String(error)}\n`)
  } catch {
    // stderr is gone or its disk is full: nothing better to do than carry on serving.
  }
}

/**
 * The process-level safety net of a running server: an exception or rejection that escapes
 * every handler (a callback or timer started while serving a request) is logged and the server
 * keeps answering, instead of the whole registry going down with one request. Returns a function
 * that removes the net.
 */
export function installProcessSafetyNet(log: (message: string, error: unknown) => void = stderrLine): () => void {
  const onException = (error: unknown) => log('uncaught exception; still serving', error)
  const onRejection = (reason: unknown) => log('unhandled rejection; still serving', reason)
  process.on('uncaughtException', onException)
  process.on('unhandledRejection', onRejection)
  return () => {
    process.off('uncaughtException', onException)
    process.off('unhandledRejection', onRejection)
  }
}
