/** A progress bar on stderr, drawn only when stderr is a terminal (never in CI logs or pipes). */
export interface Progress {
  tick(note?: string): void
  done(): void
}

const WIDTH = 30
/** Redraws at most this often, so a run of 100,000 ticks costs next to nothing. */
const REDRAW_MS = 100
const MIN_WIDTH = 10

/**
 * One line of the bar for a terminal `columns` wide. The note (a subject name) is never cut: the
 * bar narrows to make room, then is left out; a name longer than the terminal is the line.
 */
export function progressLine(label: string, count: number, total: number, note: string, columns: number): string {
  const room = columns - 1
  const tail = `${count}/${total}${note ? ` ${note}` : ''}`
  const bar = (width: number) => {
    const filled = Math.round((count / total) * width)
    return `${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${tail}`
  }
  const width = Math.min(WIDTH, room - (label.length + 4 + tail.length))
  if (width >= MIN_WIDTH) return bar(width)
  return `${label} ${tail}`
}

export function progress(label: string, total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY || total === 0) return { tick: () => {}, done: () => {} }
  let count = 0
  let last = 0
  const draw = (note: string) => {
    const columns = stream.columns ?? 80
    const line = progressLine(label, count, total, note, columns)
    // A line wider than the terminal would wrap and defeat the redraw: it is written once, whole.
    if (line.length > columns - 1) {
      stream.write(`\r${' '.repeat(last)}\r${line}\n`)
      last = 0
      return
    }
    stream.write(`\r${line.padEnd(Math.max(last, line.length))}`)
    last = line.length
  }
  draw('')
  let drawn = Number.NEGATIVE_INFINITY
  return {
    tick: (note = '') => {
      count = Math.min(total, count + 1)
      const now = performance.now()
      if (count < total && now - drawn < REDRAW_MS) return
      drawn = now
      draw(note)
    },
    done: () => stream.write('\n'),
  }
}
