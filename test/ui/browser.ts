import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
export const ARTIFACTS = `${ROOT}test-artifacts/ui`

/** Debian's Chromium, installed by `scripts/ensure-chromium.sh` when it is missing. */
export async function launchChromium(): Promise<Browser> {
  const executablePath = execFileSync(`${ROOT}scripts/ensure-chromium.sh`, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  })
    .trim()
    .split('\n')
    .at(-1)!
  return chromium.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
  })
}

/** Saves a full-page screenshot of a view under test-artifacts/ui/. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true })
  const path = `${ARTIFACTS}/${name}.png`
  await page.screenshot({ path, fullPage: true })
  return path
}

/** Bytes a view transfers on a cold load (HTML, stylesheet, script), by resource type. */
export async function pageWeight(context: BrowserContext, url: string): Promise<Record<string, number>> {
  const page = await context.newPage()
  const sizes: Record<string, number> = {}
  const pending: Promise<void>[] = []
  page.on('response', (response) => {
    pending.push(
      response.body().then(
        (body) => {
          const type = response.request().resourceType()
          sizes[type] = (sizes[type] ?? 0) + body.length
        },
        () => undefined,
      ),
    )
  })
  await page.goto(url, { waitUntil: 'load' })
  await Promise.all(pending)
  await page.close()
  return { ...sizes, total: Object.values(sizes).reduce((a, b) => a + b, 0) }
}

export function saveJson(name: string, value: unknown): void {
  mkdirSync(ARTIFACTS, { recursive: true })
  writeFileSync(`${ARTIFACTS}/${name}.json`, `${JSON.stringify(value, null, 2)}\n`)
}
