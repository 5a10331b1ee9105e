import hljs from 'highlight.js/lib/core'
import json from 'highlight.js/lib/languages/json'
import protobuf from 'highlight.js/lib/languages/protobuf'
import type { SchemaType } from '../../formats/format.js'
import { escapeHtml, raw, type Html } from './html.js'

hljs.registerLanguage('json', json)
hljs.registerLanguage('protobuf', protobuf)

/** Above this many characters text is shown plain: highlighting is linear but not free. */
export const MAX_HIGHLIGHT_CHARS = 256 * 1024

/** The highlighter's language for a schema type: Avro and JSON Schema are JSON documents. */
export const languageOf = (type: SchemaType | 'JSON_DOC') => (type === 'PROTOBUF' ? 'protobuf' : 'json')

/** The stored canonical text laid out for reading: JSON documents indented, Protobuf as stored. */
export function prettySchema(type: SchemaType, text: string): string {
  if (type === 'PROTOBUF') return text.endsWith('\n') ? text : `${text}\n`
  return prettyJson(text)
}

/** JSON text indented by two spaces; text that is not JSON is returned as it is. */
export function prettyJson(text: string): string {
  try {
    return `${JSON.stringify(JSON.parse(text), null, 2)}\n`
  } catch {
    return text
  }
}

/** Highlighted markup (spans with `hljs-*` classes) for a `<code>` element. */
export function highlight(text: string, language: 'json' | 'protobuf'): Html {
  if (text.length > MAX_HIGHLIGHT_CHARS) return raw(escapeHtml(text))
  return raw(hljs.highlight(text, { language, ignoreIllegals: true }).value)
}
