import { write as fsWrite, writeSync } from 'node:fs'

/** Log bytes held while the destination is slow or failing; lines beyond are dropped. */
export const MAX_QUEUED_LOG_BYTES = 4 * 1024 * 1024

export interface LogStream {
  /** Queues one log line; never blocks and never throws. */
  write(line: string): boolean
  /** Lines dropped so far because the destination failed (disk full, closed pipe) or lagged. */
  readonly dropped: number
  /** Writes what is queued once, synchronously, ignoring errors: for the moment before exit. */
  flushSync(): void
}

/**
 * A log destination on a file descriptor (stdout by default) that never blocks the event loop:
 * lines are written asynchronously, in order; a write that fails (ENOSPC with the log on a full
 * disk, EPIPE) drops that batch instead of retrying, and at most MAX_QUEUED_LOG_BYTES wait, so a
 * stuck destination costs memory up to that bound and nothing else. pino's default synchronous
 * destination retries a failed write for ever, which froze the whole server when the disk holding
 * its log filled up.
 */
export function nonBlockingLogStream(fd = 1, maxQueuedBytes = MAX_QUEUED_LOG_BYTES): LogStream {
  let queue: string[] = []
  let queuedBytes = 0
  let writing = false
  let scheduled = false
  let dropped = 0

  const next = () => {
    if (writing || queue.length === 0) return
    const batch = queue.join('')
    const lines = queue.length
    queue = []
    queuedBytes = 0
    writing = true
    const buf = Buffer.from(batch)
    const writeFrom = (offset: number) => {
      fsWrite(fd, buf, offset, buf.length - offset, null, (err, n) => {
        if (err || n === 0) {
          dropped += lines
        } else if (offset + n < buf.length) {
          writeFrom(offset + n)
          return
        }
        writing = false
        next()
      })
    }
    writeFrom(0)
  }

  return {
    write(line) {
      if (queuedBytes + line.length > maxQueuedBytes) {
        dropped++
        return true
      }
      queue.push(line)
      queuedBytes += line.length
      if (!writing && !scheduled) {
        scheduled = true
        setImmediate(() => {
          scheduled = false
          next()
        })
      }
      return true
    },
    get dropped() {
      return dropped
    },
    flushSync() {
      if (queue.length === 0) return
      const batch = queue.join('')
      queue = []
      queuedBytes = 0
      try {
        writeSync(fd, batch)
      } catch {
        // The process is about to exit; a log it cannot write is lost, never waited for.
      }
    },
  }
}
