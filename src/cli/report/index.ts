import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { packageRoot } from '../../paths.js'
import type { CheckOutcome } from '../check/outcome.js'
import { renderGithub } from './github.js'
import { renderJson } from './json.js'
import { renderJunit } from './junit.js'
import { renderSarif } from './sarif.js'
import { renderText } from './text.js'

export const REPORT_FORMATS = ['text', 'json', 'junit', 'github', 'sarif'] as const
export type ReportFormat = (typeof REPORT_FORMATS)[number]

export function toolVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version
  } catch {
    return '0.0.0'
  }
}

export function renderReport(outcomes: readonly CheckOutcome[], format: ReportFormat): string {
  switch (format) {
    case 'json':
      return renderJson(outcomes)
    case 'junit':
      return renderJunit(outcomes)
    case 'github':
      return renderGithub(outcomes)
    case 'sarif':
      return renderSarif(outcomes, toolVersion())
    case 'text':
      return renderText(outcomes)
  }
}
