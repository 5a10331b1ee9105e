/**
 * The process-level safety net of a running server: an exception or rejection that escapes
 * every handler (a callback or timer started while serving a request) is logged and the server
 * keeps answering, instead of the whole registry going down with one request. Returns a function
 * that removes the net.
 */
export function installProcessSafetyNet(log: (message: string, error: unknown) => void): () => void {
  const onException = (error: unknown) => log('uncaught exception; still serving', error)
  const onRejection = (reason: unknown) => log('unhandled rejection; still serving', reason)
  process.on('uncaughtException', onException)
  process.on('unhandledRejection', onRejection)
  return () => {
    process.off('uncaughtException', onException)
    process.off('unhandledRejection', onRejection)
  }
}
