/** A progress bar on stderr, drawn only when stderr is a terminal (never in CI logs or pipes). */
export interface Progress {
  tick(note?: string): void
  done(): void
}

const WIDTH = 30
/** Redraws at most this often, so a run of 100,000 ticks costs next to nothing. */
const REDRAW_MS = 100

export function progress(label: string, total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY || total === 0) return { tick: () => {}, done: () => {} }
  let count = 0
  const draw = (note: string) => {
    const filled = Math.round((count / total) * WIDTH)
    const line = `${label} [${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${count}/${total} ${note}`
    stream.write(`\r${line.slice(0, (stream.columns ?? 80) - 1).padEnd((stream.columns ?? 80) - 1)}`)
  }
  draw('')
  let drawn = performance.now()
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
