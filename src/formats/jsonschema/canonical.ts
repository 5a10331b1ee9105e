import type { JsonTree } from './json-text.js'

/**
 * Compact JSON in the original key order with number lexemes kept (Confluent re-serializes the
 * parsed schema with Jackson). `sortKeys` is `normalize=true`: keys sorted at every level.
 */
export function printJson(tree: JsonTree, sortKeys = false): string {
  switch (tree.t) {
    case 'object': {
      const entries = sortKeys ? [...tree.entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) : tree.entries
      return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${printJson(v, sortKeys)}`).join(',')}}`
    }
    case 'array':
      return `[${tree.items.map((item) => printJson(item, sortKeys)).join(',')}]`
    case 'number':
      return tree.lexeme
    case 'string':
      return JSON.stringify(tree.value)
    case 'literal':
      return String(tree.value)
  }
}
