import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseMessages } from '../../src/cli/check/messages.js'
import { basic, PASSWORDS, usersYaml } from '../hardening/fixtures.js'
import { startServer, type TestServer } from '../support/server.js'
import { launchChromium, pageWeight, saveJson, screenshot } from './browser.js'

const JSON_TYPE = 'application/vnd.schemaregistry.v1+json'
const avro = (fields: object[]) => JSON.stringify({ type: 'record', name: 'Order', namespace: 'shop', fields })
const ORDERS = [
  avro([{ name: 'id', type: 'string' }]),
  avro([
    { name: 'id', type: 'string' },
    { name: 'amount', type: 'double', default: 0 },
  ]),
  avro([
    { name: 'id', type: 'string' },
    { name: 'amount', type: 'string' },
    { name: 'note', type: 'string' },
  ]),
]
const MONEY = 'syntax = "proto3";\npackage common;\n\nmessage Money {\n  string currency = 1;\n  int64 units = 2;\n}\n'
const PAYMENT = (extra: string) =>
  `syntax = "proto3";\npackage payments;\n\nimport "common/money.proto";\n\nmessage Payment {\n  string id = 1;\n  common.Money amount = 2;\n${extra}}\n`
const USER = (props: object) =>
  JSON.stringify({ type: 'object', properties: { id: { type: 'string' }, ...props }, required: ['id'] })

let browser: Browser

async function api(base: string, method: string, path: string, body?: unknown, auth?: string) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': JSON_TYPE } : {}), ...(auth ? { authorization: auth } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  })
  const text = await res.text()
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`)
  return JSON.parse(text) as Record<string, unknown>
}

/** Registers versions in order (level NONE while seeding), leaving the subject without own config. */
async function seed(base: string, subject: string, versions: object[], auth?: string) {
  const s = encodeURIComponent(subject)
  await api(base, 'PUT', `/config/${s}`, { compatibility: 'NONE' }, auth)
  for (const v of versions) await api(base, 'POST', `/subjects/${s}/versions`, v, auth)
  await api(base, 'DELETE', `/config/${s}`, undefined, auth)
}

/** Every visible form control has a label (a `<label>` or an aria-label). */
async function unlabelledControls(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll('input:not([type=hidden]), select, textarea'))
      .filter((el) => (el as HTMLInputElement).labels?.length === 0 && !el.getAttribute('aria-label'))
      .map((el) => el.outerHTML),
  )
}

/** The violations the API reports, read back with the CLI's parser: rule, path, description. */
async function apiViolations(base: string, subject: string, version: number | undefined, schema: string) {
  const path = `/compatibility/subjects/${encodeURIComponent(subject)}/versions${version === undefined ? '' : `/${version}`}?verbose=true`
  const res = await api(base, 'POST', path, { schema })
  return parseMessages(res.messages as string[]).violations.map((v) => [v.rule, v.path || '(root)', v.description])
}

/** The rows of the first findings table under a heading. */
async function findingRows(page: Page, scope: string) {
  return page.locator(`${scope} table tbody tr`).evaluateAll((rows) =>
    rows.map((r) =>
      Array.from(r.querySelectorAll('td'))
        .slice(0, 3)
        .map((td) => td.textContent ?? ''),
    ),
  )
}

beforeAll(async () => {
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
})

describe('the web UI, authentication off', () => {
  let server: TestServer
  let context: BrowserContext
  let page: Page

  beforeAll(async () => {
    server = await startServer()
    const base = server.url
    await seed(
      base,
      'orders-value',
      ORDERS.map((schema) => ({ schema })),
    )
    await api(base, 'PUT', '/config/orders-value', { compatibility: 'BACKWARD' })
    await api(base, 'DELETE', '/subjects/orders-value/versions/1')
    await seed(base, 'common-money', [{ schemaType: 'PROTOBUF', schema: MONEY }])
    const ref = [{ name: 'common/money.proto', subject: 'common-money', version: 1 }]
    await seed(base, 'payments-value', [
      { schemaType: 'PROTOBUF', schema: PAYMENT(''), references: ref },
      { schemaType: 'PROTOBUF', schema: PAYMENT('  string note = 3;\n'), references: ref },
    ])
    await seed(base, 'users-value', [
      { schemaType: 'JSON', schema: USER({}), metadata: { properties: { owner: 'identity-team' } } },
      {
        schemaType: 'JSON',
        schema: USER({ email: { type: 'string', format: 'email' } }),
        ruleSet: {
          domainRules: [
            { name: 'checkEmail', kind: 'CONDITION', type: 'CEL', mode: 'WRITE', expr: "message.email.contains('@')" },
          ],
        },
      },
    ])
    await seed(base, ':.staging:orders-value', [{ schema: ORDERS[0] }])
    for (let i = 0; i < 60; i++)
      await api(base, 'POST', `/subjects/bulk-${String(i).padStart(3, '0')}/versions`, { schema: '"string"' })
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base })
    page = await context.newPage()
  })

  afterAll(async () => {
    await context?.close()
    await server?.close()
  })

  it('lists subjects with counts, latest id and time, search, filters and pages, keyboard-driven', async () => {
    await page.goto(`${server.url}/ui`)
    await expect(page.title()).resolves.toBe('Subjects · Registrum')
    await expect(page.locator('#count').textContent()).resolves.toBe(
      'Showing 1–50 of 65 matching subjects (65 in total).',
    )
    expect(await unlabelledControls(page)).toEqual([])
    await screenshot(page, 'subjects')
    const payments = await api(server.url, 'GET', '/subjects/payments-value/versions/latest')
    await page.goto(`${server.url}/ui?q=pay`)
    const row = page.locator('tbody tr', { has: page.getByRole('link', { name: 'payments-value', exact: true }) })
    await expect(row.locator('td').allTextContents()).resolves.toEqual([
      'default',
      'PROTOBUF',
      '2',
      '2',
      String(payments.id),
      expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/),
    ])

    // Keyboard only: the skip link comes first, then the search box; Enter submits.
    await page.goto(`${server.url}/ui`)
    await page.keyboard.press('Tab')
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Skip to content')
    await page.getByLabel('Search subjects').focus()
    await page.keyboard.type('ders')
    await page.keyboard.press('Enter')
    await page.waitForURL(/q=ders/)
    await expect(page.locator('tbody th a').allTextContents()).resolves.toEqual(['orders-value', 'orders-value'])
    await page.getByLabel('Match').selectOption('prefix')
    await page.getByRole('button', { name: 'Filter' }).click()
    await page.waitForURL(/match=prefix/)
    await expect(page.locator('#count').textContent()).resolves.toBe('No subjects match (65 in total).')
    await page.getByLabel('Search subjects').fill('ord')
    await page.getByLabel('Context').selectOption('.staging')
    await page.getByRole('button', { name: 'Filter' }).click()
    await page.waitForURL(/context=.staging/)
    await expect(page.locator('tbody tr td:first-of-type').allTextContents()).resolves.toEqual(['.staging'])

    await page.goto(`${server.url}/ui?type=PROTOBUF`)
    await expect(page.locator('tbody th a').allTextContents()).resolves.toEqual(['common-money', 'payments-value'])

    // Paging, and the back button returns to the page it left.
    await page.goto(`${server.url}/ui`)
    await page.getByRole('link', { name: 'Next page →' }).click()
    await page.waitForURL(/page=2/)
    await expect(page.locator('#count').textContent()).resolves.toBe(
      'Showing 51–65 of 65 matching subjects (65 in total).',
    )
    await page.getByRole('link', { name: 'users-value' }).click()
    await page.waitForURL(/\/ui\/subjects\/users-value$/)
    await page.goBack()
    expect(page.url()).toMatch(/page=2/)
    await expect(page.locator('#count').textContent()).resolves.toContain('51–65')
  })

  it('shows a subject: versions with soft-deleted marked, level and mode with their source, references both ways', async () => {
    await page.goto(`${server.url}/ui/subjects/orders-value`)
    const rows = page.locator('table tbody tr')
    await expect(rows.first().locator('td').allTextContents()).resolves.toEqual([
      'v1',
      '1',
      'AVRO',
      expect.any(String),
      '0',
      'soft-deleted',
    ])
    await expect(rows.nth(2).locator('td').last().textContent()).resolves.toBe('live')
    await expect(page.locator('dl.facts').textContent()).resolves.toMatch(
      /CompatibilityBACKWARD \(from subject\)\s*ModeREADWRITE \(from server default\)/,
    )
    expect(await unlabelledControls(page)).toEqual([])
    await screenshot(page, 'subject')

    await page.goto(`${server.url}/ui/subjects/users-value`)
    await expect(page.locator('dl.facts').textContent()).resolves.toContain('BACKWARD (from server default)')

    await page.goto(`${server.url}/ui/subjects/common-money`)
    await page.getByRole('link', { name: 'payments-value v1' }).click()
    await page.waitForURL(/payments-value\/versions\/1$/)
    await page.getByRole('link', { name: 'common-money v1' }).click()
    await page.waitForURL(/common-money\/versions\/1$/)
  })

  it('shows a version highlighted, with id, guid, metadata, copy and download, in each format', async () => {
    const apiView = await api(server.url, 'GET', '/subjects/payments-value/versions/2')
    await page.goto(`${server.url}/ui/subjects/payments-value/versions/2`)
    await expect(page.locator('dl.facts').textContent()).resolves.toMatch(
      new RegExp(`Id${apiView.id}\\s*GUID${apiView.guid}\\s*TypeProtobuf`),
    )
    await expect(page.locator('#schema .hljs-keyword').allTextContents()).resolves.toEqual(
      expect.arrayContaining(['package', 'import']),
    )
    await expect(page.locator('#schema').textContent()).resolves.toBe(apiView.schema)
    await page.getByRole('button', { name: 'Copy schema' }).click()
    await page.locator('#schema-status', { hasText: 'Copied to the clipboard.' }).waitFor({ timeout: 10_000 })
    await expect(page.evaluate(() => navigator.clipboard.readText())).resolves.toBe(apiView.schema)
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download schema' }).click(),
    ])
    expect(download.suggestedFilename()).toBe('payments-value-v2.proto')
    await screenshot(page, 'version-protobuf')

    await page.goto(`${server.url}/ui/subjects/users-value/versions/1`)
    await expect(page.locator('#schema .hljs-attr').first().textContent()).resolves.toBe('"type"')
    await expect(page.locator('#metadata').textContent()).resolves.toContain('"owner": "identity-team"')
    await expect(
      page.getByRole('heading', { name: 'Rule set' }).locator('xpath=following-sibling::p').textContent(),
    ).resolves.toBe('None.')
    await page.goto(`${server.url}/ui/subjects/users-value/versions/2`)
    await expect(page.locator('#ruleset').textContent()).resolves.toContain('"name": "checkEmail"')
    await expect(page.locator('#ruleset .hljs-attr').first().textContent()).resolves.toBe('"domainRules"')
    await screenshot(page, 'version-json')

    await page.goto(`${server.url}/ui/subjects/orders-value/versions/1`)
    await expect(page.locator('h1').textContent()).resolves.toBe('orders-value v1 soft-deleted')
    await expect(page.locator('#schema').textContent()).resolves.toBe(
      `${JSON.stringify(JSON.parse(ORDERS[0]!), null, 2)}\n`,
    )
    await screenshot(page, 'version-avro')
  })

  it('diffs two versions with the verdict both ways, worded as the API words it', async () => {
    await page.goto(`${server.url}/ui/subjects/orders-value`)
    await page.getByLabel('From (old)').selectOption('2')
    await page.getByLabel('To (new)').selectOption('3')
    await page.getByRole('button', { name: 'Compare' }).click()
    await page.waitForURL(/diff\?from=2&to=3&view=split/)
    expect(await unlabelledControls(page)).toEqual([])
    const backward = page.locator('section[aria-labelledby^="verdict-"]', {
      has: page.getByRole('heading', { name: 'Backward: v3 reads data written with v2' }),
    })
    const forward = page.locator('section[aria-labelledby^="verdict-"]', {
      has: page.getByRole('heading', { name: 'Forward: v2 reads data written with v3' }),
    })
    await expect(backward.locator('.verdict').textContent()).resolves.toMatch(/^✗ Incompatible: \d+ problems?$/)
    expect(await findingRows(page, 'section:has(> h3:text("Backward"))')).toEqual(
      await apiViolations(server.url, 'orders-value', 2, ORDERS[2]!),
    )
    await api(server.url, 'PUT', '/config/orders-value', { compatibility: 'FORWARD' })
    const forwardApi = await apiViolations(server.url, 'orders-value', 2, ORDERS[2]!)
    await api(server.url, 'PUT', '/config/orders-value', { compatibility: 'BACKWARD' })
    expect(await findingRows(page, 'section:has(> h3:text("Forward"))')).toEqual(forwardApi)
    await expect(forward.locator('.verdict').textContent()).resolves.toMatch(/Incompatible/)
    // Changes are marked with "+"/"-", not only with colour.
    await expect(page.locator('table.diff td.mk.add').allTextContents()).resolves.toContain('+')
    await expect(page.locator('table.diff td.mk.del').allTextContents()).resolves.toContain('-')
    await screenshot(page, 'diff')

    await page.getByRole('link', { name: 'Unified' }).click()
    await page.waitForURL(/view=unified/)
    await expect(page.getByRole('table', { name: 'Unified diff' }).isVisible()).resolves.toBe(true)
    await screenshot(page, 'diff-unified')
    await page.goBack()
    await expect(page.getByRole('table', { name: 'Side-by-side diff' }).isVisible()).resolves.toBe(true)

    // A deep link opens the same view in a fresh page; a compatible pair says so both ways.
    const fresh = await context.newPage()
    await fresh.goto(`${server.url}/ui/subjects/payments-value/diff?from=1&to=2&view=unified`)
    await expect(fresh.locator('.verdict').allTextContents()).resolves.toEqual(['✓ Compatible', '✓ Compatible'])
    await expect(fresh.locator('table.diff tr.add').textContent()).resolves.toContain('string note = 3;')
    await fresh.close()
  })

  it('tries a candidate against the level, lists every violation, then registers a compatible one', async () => {
    await page.goto(`${server.url}/ui/subjects/orders-value/try`)
    expect(await unlabelledControls(page)).toEqual([])
    const bad = avro([
      { name: 'id', type: 'int' },
      { name: 'extra', type: 'string' },
    ])
    await page.getByLabel('Candidate schema').fill(bad)
    await page.getByRole('button', { name: 'Check compatibility' }).click()
    await page.waitForSelector('#result')
    await expect(page.locator('.verdict').textContent()).resolves.toMatch(
      /^✗ Incompatible under BACKWARD with v3: \d+ problems?$/,
    )
    expect(await findingRows(page, 'section:has(> #result)')).toEqual(
      await apiViolations(server.url, 'orders-value', undefined, bad),
    )
    await screenshot(page, 'try')

    await page.getByLabel('Candidate schema').fill('{"type": "record"')
    await page.getByRole('button', { name: 'Check compatibility' }).click()
    await expect(page.locator('#result').textContent()).resolves.toBe('Not accepted')

    const good = avro([
      { name: 'id', type: 'string' },
      { name: 'amount', type: 'string' },
      { name: 'note', type: 'string' },
      { name: 'tag', type: 'string', default: '' },
    ])
    await page.getByLabel('Candidate schema').fill(good)
    await page.getByRole('button', { name: 'Check compatibility' }).click()
    await expect(page.locator('.verdict').textContent()).resolves.toBe('✓ Compatible under BACKWARD')
    await page.getByRole('button', { name: 'Register' }).click()
    await page.waitForURL(/orders-value\/versions\/4\?saved=registered$/)
    await expect(page.locator('.notice').textContent()).resolves.toBe('Registered.')
    await expect(api(server.url, 'GET', '/subjects/orders-value/versions/latest')).resolves.toMatchObject({
      version: 4,
    })
  })

  it('changes the level and the mode through forms, and refuses a form posted without its token', async () => {
    await page.goto(`${server.url}/ui/subjects/users-value`)
    await page.getByLabel('Compatibility level of this subject').selectOption('FULL')
    await page.getByRole('button', { name: 'Save level' }).click()
    await page.waitForURL(/saved=compatibility/)
    await expect(page.locator('dl.facts').textContent()).resolves.toContain('FULL (from subject)')
    await expect(api(server.url, 'GET', '/config/users-value')).resolves.toMatchObject({ compatibilityLevel: 'FULL' })
    await page.getByLabel('Mode of this subject').selectOption('READONLY')
    await page.getByRole('button', { name: 'Save mode' }).click()
    await page.waitForURL(/saved=mode/)
    await expect(page.locator('dl.facts').textContent()).resolves.toContain('READONLY (from subject)')

    const forged = await fetch(`${server.url}/ui/subjects/users-value/mode`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'mode=READWRITE&csrf=forged',
    })
    expect(forged.status).toBe(403)
    await expect(api(server.url, 'GET', '/mode/users-value')).resolves.toEqual({ mode: 'READONLY' })
  })

  it('escapes hostile names, refuses cross-site posts and answers bad parameters with a page', async () => {
    const hostile = 'x"><img src=x onerror="window.pwned=1">'
    await seed(server.url, hostile, [{ schema: '"string"' }])
    const dialogs: string[] = []
    page.on('dialog', (d) => {
      dialogs.push(d.message())
      void d.dismiss()
    })
    await page.goto(`${server.url}/ui?q=onerror`)
    await expect(page.locator('tbody th a').allTextContents()).resolves.toEqual([hostile])
    await page.getByRole('link', { name: hostile }).click()
    await expect(page.locator('h1').textContent()).resolves.toBe(hostile)
    await expect(page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).resolves.toBeUndefined()
    expect(dialogs).toEqual([])

    // A token lifted from a page is still refused when the browser marks the post as cross-site.
    await page.goto(`${server.url}/ui/subjects/orders-value`)
    const token = await page.locator('input[name=csrf]').first().inputValue()
    const crossSite = await fetch(`${server.url}/ui/subjects/orders-value/config`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'cross-site' },
      body: `compatibility=NONE&csrf=${token}`,
    })
    expect(crossSite.status).toBe(403)
    await expect(api(server.url, 'GET', '/config/orders-value')).resolves.toMatchObject({
      compatibilityLevel: 'BACKWARD',
    })

    for (const [path, status] of [
      ['/ui/subjects/orders-value/versions/abc', 422],
      ['/ui/subjects/orders-value/versions/99', 404],
      ['/ui/subjects/orders-value/diff?from=1&to=0', 422],
      ['/ui/subjects/nothing-here', 404],
      [`/ui?page=999999999&q=${'a'.repeat(5000)}`, 200],
      ['/ui?q=a&q=b&type=AVRO&type=JSON&page=1&page=2', 200],
      ['/ui/subjects/orders-value/diff?from=2&from=3&to=3', 200],
      ['/ui/subjects/orders-value?saved=constructor', 200],
    ] as const) {
      const res = await fetch(`${server.url}${path}`)
      expect([path, res.status, res.headers.get('content-type')]).toEqual([path, status, 'text/html; charset=utf-8'])
    }
    // A client that accepts only HTML gets the page, not the API's 406.
    const htmlOnly = await fetch(`${server.url}/ui`, { headers: { accept: 'text/html' } })
    expect([htmlOnly.status, htmlOnly.headers.get('content-type')]).toEqual([200, 'text/html; charset=utf-8'])
  })

  it('records page weights of each view', async () => {
    const views = {
      subjects: '/ui',
      subject: '/ui/subjects/orders-value',
      version: '/ui/subjects/payments-value/versions/2',
      diff: '/ui/subjects/orders-value/diff?from=2&to=3',
      try: '/ui/subjects/orders-value/try',
    }
    const weights: Record<string, Record<string, number>> = {}
    for (const [name, path] of Object.entries(views)) {
      const cold = await browser.newContext()
      weights[name] = await pageWeight(cold, `${server.url}${path}`)
      await cold.close()
      expect(weights[name]!.document).toBeGreaterThan(0)
      expect(weights[name]!.stylesheet).toBeGreaterThan(0)
    }
    saveJson('page-weights', weights)
    console.log('UI page weights (bytes, cold load):', JSON.stringify(weights))
  })
})

describe('the web UI, authentication on', () => {
  let server: TestServer
  let dir: string
  const admin = basic('admin', PASSWORDS.admin)
  const login = (username: keyof typeof PASSWORDS) =>
    browser.newContext({
      viewport: { width: 1280, height: 800 },
      httpCredentials: { username, password: PASSWORDS[username] },
    })

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'registrum-ui-auth-'))
    const file = join(dir, 'users.yaml')
    writeFileSync(file, await usersYaml())
    server = await startServer({ authFile: file })
    await seed(server.url, 'orders-value', [{ schema: ORDERS[0] }, { schema: ORDERS[1] }], admin)
    await seed(server.url, 'secret-value', [{ schema: ORDERS[0] }], admin)
    await seed(server.url, 'public-value', [{ schemaType: 'JSON', schema: USER({}) }], admin)
    await seed(server.url, 'team.a.x', [{ schemaType: 'PROTOBUF', schema: MONEY }], admin)
  })

  afterAll(async () => {
    await server?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('asks an anonymous visitor to sign in', async () => {
    const res = await fetch(`${server.url}/ui`)
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toContain('Basic realm=')
    expect(res.headers.get('content-type')).toContain('text/html')
    const asset = await fetch(`${server.url}/ui/subjects/orders-value`)
    expect(asset.status).toBe(401)
  })

  it('shows a user only the subjects they may read, and only the forms for writes they may do', async () => {
    const context = await login('orders')
    const page = await context.newPage()
    await page.goto(`${server.url}/ui`)
    await expect(page.locator('tbody th a').allTextContents()).resolves.toEqual(['orders-value', 'public-value'])
    await expect(page.locator('header').textContent()).resolves.toContain('Signed in as orders')
    await screenshot(page, 'auth-subjects-orders')
    await page.getByRole('link', { name: 'orders-value' }).click()
    await page.waitForURL(/subjects\/orders-value$/)
    await expect(page.getByRole('button', { name: 'Save level' }).count()).resolves.toBe(0)
    await expect(page.getByRole('button', { name: 'Save mode' }).count()).resolves.toBe(0)
    await page.getByRole('link', { name: 'Try or register a new schema' }).click()
    await expect(page.getByRole('button', { name: 'Register' }).count()).resolves.toBe(1)

    const denied = await page.goto(`${server.url}/ui/subjects/secret-value`)
    expect(denied?.status()).toBe(403)
    await expect(page.getByRole('alert').textContent()).resolves.toBe(
      'User is denied operation Read on Subject: secret-value',
    )
    await screenshot(page, 'auth-denied')
    expect((await page.goto(`${server.url}/ui/subjects/secret-value/versions/1/download`))?.status()).toBe(403)
    const forbiddenDiff = await page.goto(`${server.url}/ui/subjects/secret-value/diff`)
    expect(forbiddenDiff?.status()).toBe(403)

    // Nothing secret is kept in the browser or put in a URL.
    await page.goto(`${server.url}/ui/subjects/orders-value/versions/2`)
    await expect(page.evaluate(() => localStorage.length + sessionStorage.length)).resolves.toBe(0)
    expect(page.url()).not.toContain(PASSWORDS.orders)
    await context.close()
  })

  it('offers a reader no write forms and an admin the settings forms', async () => {
    const reader = await login('reader')
    const page = await reader.newPage()
    await page.goto(`${server.url}/ui`)
    await expect(page.locator('tbody th a').allTextContents()).resolves.toEqual([
      'orders-value',
      'public-value',
      'secret-value',
      'team.a.x',
    ])
    await page.goto(`${server.url}/ui/subjects/orders-value/try`)
    await expect(page.getByRole('button', { name: 'Register' }).count()).resolves.toBe(0)
    await expect(page.getByRole('button', { name: 'Check compatibility' }).count()).resolves.toBe(1)
    await reader.close()

    const adminContext = await login('admin')
    const adminPage = await adminContext.newPage()
    await adminPage.goto(`${server.url}/ui/subjects/team.a.x`)
    await adminPage.getByLabel('Compatibility level of this subject').selectOption('NONE')
    await adminPage.getByRole('button', { name: 'Save level' }).click()
    await adminPage.waitForURL(/saved=compatibility/)
    await expect(adminPage.locator('dl.facts').textContent()).resolves.toContain('NONE (from subject)')
    await screenshot(adminPage, 'auth-subject-admin')
    await adminContext.close()
  })
})
