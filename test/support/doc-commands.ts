import { readFileSync } from 'node:fs'

export interface DocCommand {
  /** `file:line` where the command is shown. */
  readonly where: string
  readonly command: string
}

/**
 * The shell commands a document shows: each line of a ```sh or ```bash block (comments after
 * `#` dropped), and each `run:` step of a ```yaml block. Synopses in plain ``` blocks are not
 * commands and are left out.
 */
export function docCommands(path: string, label = path): DocCommand[] {
  const out: DocCommand[] = []
  let fence: string | undefined
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      const open = /^```(\w*)\s*$/.exec(line)
      if (open) {
        fence = fence === undefined ? open[1] : undefined
        return
      }
      if (fence === 'sh' || fence === 'bash') {
        const command = line.replace(/\s+#\s.*$/, '').trim()
        if (command !== '' && !command.startsWith('#')) out.push({ where: `${label}:${i + 1}`, command })
      } else if (fence === 'yaml') {
        const run = /^\s*(?:- )?run:\s*(.+)$/.exec(line)
        if (run) out.push({ where: `${label}:${i + 1}`, command: run[1]!.replace(/\s+#\s.*$/, '').trim() })
      }
    })
  return out
}

/** The ```yaml blocks of a document, in order. */
export function yamlBlocks(path: string): string[] {
  const blocks = readFileSync(path, 'utf8')
    .split(/^```yaml\s*$/m)
    .slice(1)
  return blocks.map((b) => b.slice(0, b.indexOf('\n```')).replace(/^\n/, ''))
}
