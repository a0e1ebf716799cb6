// End-to-end test of the browser widget: starts a `uspacy-mock` portal and
// serve.mjs on loopback ports, drives the page in headless Chromium through
// playwright-core and checks the page against the mock's state and its
// request log. Prints one line per check and a closing `N passed, N failed`
// line; exits non-zero when a check failed.
//
// Usage: node examples/browser/test.mjs
// Needs: bindings-wasm/pkg/ (bash bindings-wasm/scripts/build.sh), `npm ci`
// in bindings-wasm/ (for playwright-core) and Debian's chromium.
// Environment: USPACY_MOCK_BIN (the mock binary; without it the test runs
// `cargo build -p uspacy-mock` for CARGO_BUILD_TARGET or the host),
// CHROMIUM (default /usr/bin/chromium).
import { execFileSync, spawn } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import readline from 'node:readline'
import { fileURLToPath } from 'node:url'

import { launchChromium } from '../../bindings-wasm/test/helpers/chromium.mjs'

const REPO_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
// 600 deals put about 70 in each stage of funnel 1, more than one page of
// the widget's PAGE_SIZE.
const MOCK_DEALS = 600
const WIDGET_PAGE_SIZE = 50
const FUNNEL_ID = 1
const STAGE_ID = 2
const NEW_DEAL = {
  title: 'Монтаж сонячних панелей — ТОВ «Світанок» №17',
  funnel_id: FUNNEL_ID,
  kanban_stage_id: STAGE_ID,
  amount: { value: '12500.50', currency: 'UAH' },
}
// The mock's demo owner, user 1, who owns deals created with the mock's tokens.
const OWNER_NAME = 'Оксана Демченко'
const SIGN_IN = 'POST /auth/v1/auth/sign_in'
const REFRESH = 'POST /auth/v1/auth/refresh_token'
const STAGE_DEALS = `GET /crm/v1/entities/deals/kanban/stage/${STAGE_ID}`
const WAIT_MS = 30_000

// The processes and the browser this test starts, and the browser's
// profile. cleanUp() stops and removes them on every way out, signals
// included.
const children = new Set()
const profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'uspacy-widget-test-'))
let browserContext

function cleanUp() {
  for (const child of children) {
    child.kill('SIGTERM')
  }
  try {
    fs.rmSync(profileDir, { recursive: true, force: true, maxRetries: 3 })
  } catch (error) {
    console.error(`could not remove the browser profile ${profileDir}: ${error.message}`)
  }
}

process.on('exit', cleanUp)
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    // Chromium writes to its profile until it has closed.
    await browserContext?.close().catch(() => {})
    process.exit(1)
  })
}

/** Starts a process and resolves with it and its first stdout line. */
async function startProcess(name, command, args) {
  const child = spawn(command, args, { cwd: REPO_DIR, stdio: ['ignore', 'pipe', 'pipe'] })
  children.add(child)
  child.once('exit', () => children.delete(child))
  let stderr = ''
  child.stderr.on('data', (chunk) => {
    stderr += chunk
  })
  const lines = readline.createInterface({ input: child.stdout })
  const line = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} printed nothing in 20 s: ${stderr}`)), 20_000)
    lines.once('line', (text) => {
      clearTimeout(timer)
      resolve(text)
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`${name} exited with ${code}: ${stderr}`))
    })
    child.once('error', (error) => {
      clearTimeout(timer)
      reject(new Error(`${name} did not start: ${error.message}`))
    })
  })
  lines.close()
  // Keep draining stdout so a chatty process never blocks on a full pipe.
  child.stdout.resume()
  return { child, line }
}

async function stopProcess(child) {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGTERM')
    await exited
  }
}

/** Returns the mock binary: USPACY_MOCK_BIN, or a fresh cargo build of it. */
function mockBinary() {
  if (process.env.USPACY_MOCK_BIN) {
    return process.env.USPACY_MOCK_BIN
  }
  const target =
    process.env.CARGO_BUILD_TARGET ||
    execFileSync('rustc', ['-vV'], { encoding: 'utf8' }).match(/^host: (.+)$/m)[1].trim()
  console.error(`building uspacy-mock (cargo build -p uspacy-mock, target ${target})`)
  execFileSync('cargo', ['build', '--quiet', '-p', 'uspacy-mock', '--bin', 'uspacy-mock'], {
    cwd: REPO_DIR,
    stdio: 'inherit',
    env: { ...process.env, CARGO_BUILD_TARGET: target },
  })
  const metadata = execFileSync('cargo', ['metadata', '--format-version', '1', '--no-deps'], {
    cwd: REPO_DIR,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  })
  return path.join(JSON.parse(metadata).target_directory, target, 'debug', 'uspacy-mock')
}

/** The mock portal's API and `/__mock/*` control routes, over plain fetch. */
class MockPortal {
  constructor(info) {
    this.info = info
    this.baseUrl = info.base_url
  }

  async request(method, route, { body, token } = {}) {
    const headers = {}
    if (body !== undefined) {
      headers['content-type'] = 'application/json'
    }
    if (token !== undefined) {
      headers.authorization = `Bearer ${token}`
    }
    const response = await fetch(`${this.baseUrl}${route}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await response.text()
    if (!response.ok) {
      throw new Error(`${method} ${route} returned ${response.status}: ${text}`)
    }
    return text === '' ? null : JSON.parse(text)
  }

  /** Issues a token pair for the demo owner. A negative lifetime gives an expired one. */
  tokens(lifetimeSecs) {
    return this.request('POST', '/__mock/tokens', { body: lifetimeSecs === undefined ? {} : { lifetime_secs: lifetimeSecs } })
  }

  async api(method, route, body) {
    const { access_token: token } = await this.tokens()
    return this.request(method, route, { body, token })
  }

  fault(spec) {
    return this.request('POST', '/__mock/faults', { body: spec })
  }

  clearFaults() {
    return this.request('DELETE', '/__mock/faults')
  }

  clearRequests() {
    return this.request('DELETE', '/__mock/requests')
  }

  /** Returns the recorded requests, or only those to `route` (`METHOD /path`). */
  async requests(route) {
    const recorded = await this.request('GET', '/__mock/requests')
    return recorded.filter((entry) => route === undefined || `${entry.method} ${entry.path}` === route)
  }

  async count(route) {
    return (await this.requests(route)).length
  }

  /**
   * Returns every deal of a stage, read through the plain list route and
   * filtered here, so the expectation does not use the stage route the
   * widget reads.
   */
  async dealsOfStage(stageId) {
    const deals = []
    for (let page = 1; ; page += 1) {
      const body = await this.api('GET', `/crm/v1/entities/deals?list=1000&page=${page}`)
      deals.push(...body.data.filter((deal) => deal.kanban_stage_id === stageId))
      if (page >= body.meta.last_page) {
        return deals
      }
    }
  }
}

const results = []

/** Runs one check; a thrown error fails it, and the next check still runs. */
async function check(name, body) {
  try {
    await body()
    results.push({ name, ok: true })
    console.log(`ok - ${name}`)
  } catch (error) {
    results.push({ name, ok: false })
    console.log(`not ok - ${name}: ${error.message}`)
  }
}

function expect(condition, message) {
  if (!condition) {
    throw new Error(message)
  }
}

function expectEqual(actual, expected, label) {
  const actualText = JSON.stringify(actual)
  const expectedText = JSON.stringify(expected)
  expect(actualText === expectedText, `${label}: got ${actualText}, expected ${expectedText}`)
}

/** Compares two lists of deal ids and names the missing and the extra ones. */
function expectSameIds(shownIds, expectedIds, label) {
  const shownSet = new Set(shownIds)
  const expectedSet = new Set(expectedIds)
  const missing = expectedIds.filter((id) => !shownSet.has(id))
  const extra = shownIds.filter((id) => !expectedSet.has(id))
  const summary = `${shownIds.length} shown, ${expectedIds.length} expected`
  expectEqual(missing, [], `${label} (${summary}): missing ids`)
  expectEqual(extra, [], `${label} (${summary}): extra ids`)
  expectEqual(shownIds.length, shownSet.size, `${label}: rows including repeated ids`)
}

/** Waits until `<body data-state>` is one of `states` and returns it. */
async function waitForState(page, states) {
  const handle = await page.waitForFunction(
    (accepted) => accepted.includes(document.body.dataset.state) && document.body.dataset.state,
    states,
    { timeout: WAIT_MS },
  )
  return handle.jsonValue()
}

/** Waits for the deals of the selected stage to finish loading. */
async function waitForDeals(page) {
  const state = await waitForState(page, ['ready', 'error', 'signed-out'])
  if (state !== 'ready') {
    const error = await page.textContent('#error')
    throw new Error(`the page ended in state ${state}: ${error}`)
  }
}

function shownDeals(page) {
  return page.$$eval('#deals tbody tr', (rows) =>
    rows.map((row) => ({ id: Number(row.dataset.dealId), cells: [...row.cells].map((cell) => cell.textContent) })),
  )
}

function storageEntries(page) {
  return page.evaluate(() => Object.fromEntries(Object.entries(localStorage)))
}

async function storageKeys(page) {
  return Object.keys(await storageEntries(page))
}

/** Opens the page with nothing stored, as a first visit. */
async function openSignedOut(page, pageUrl) {
  await page.goto(pageUrl)
  await page.evaluate(() => localStorage.clear())
  await page.reload()
  await waitForState(page, ['signed-out'])
}

/** Opens the page with nothing stored and signs in with the right password. */
async function openSignedIn(page, pageUrl, mock) {
  await openSignedOut(page, pageUrl)
  await signIn(page, mock, mock.info.password)
  await waitForDeals(page)
}

async function signIn(page, mock, password, { email = mock.info.email, code = '' } = {}) {
  await page.fill('#sign-in [name=portal]', mock.baseUrl)
  await page.fill('#sign-in [name=email]', email)
  await page.fill('#sign-in [name=password]', password)
  await page.fill('#sign-in [name=code]', code)
  await page.click('#sign-in button[type=submit]')
}

async function selectStage(page, funnelId, stageId) {
  await page.selectOption('#funnel', String(funnelId))
  await waitForDeals(page)
  await page.selectOption('#stage', String(stageId))
  await waitForDeals(page)
}

async function runChecks(page, mock, pageUrl) {
  const password = mock.info.password
  const tokenKey = `uspacy-web:tokens:${mock.baseUrl}/`
  const created = await mock.api('POST', '/crm/v1/entities/deals', NEW_DEAL)
  const expected = await mock.dealsOfStage(STAGE_ID)
  const expectedIds = expected.map((deal) => deal.id)
  expect(
    expected.length > WIDGET_PAGE_SIZE,
    `stage ${STAGE_ID} has ${expected.length} deals; the paging checks need more than ${WIDGET_PAGE_SIZE}`,
  )

  await check('sign-in lists the deals of the stage', async () => {
    await openSignedOut(page, pageUrl)
    await mock.clearRequests()
    await signIn(page, mock, password)
    await waitForDeals(page)
    await selectStage(page, FUNNEL_ID, STAGE_ID)
    expect(await page.isHidden('#sign-in'), 'the sign-in form is still shown')
    const shownRows = await shownDeals(page)
    expectSameIds(
      shownRows.map((deal) => deal.id),
      expectedIds,
      `deals of stage ${STAGE_ID}`,
    )
    const titles = new Map(expected.map((deal) => [deal.id, deal.title]))
    const wrongTitle = shownRows.find((deal) => deal.cells[1] !== titles.get(deal.id))
    expect(wrongTitle === undefined, `deal ${wrongTitle?.id} shows the title ${JSON.stringify(wrongTitle?.cells[1])}`)
    const row = shownRows.find((deal) => deal.id === created.id)
    expect(row !== undefined, `the created deal ${created.id} is not listed`)
    expectEqual(row.cells[1], NEW_DEAL.title, 'title of the created deal')
    expect(row.cells[2].includes('12,500.50'), `amount cell ${JSON.stringify(row.cells[2])} lacks 12,500.50`)
    expect(row.cells[2].includes('UAH'), `amount cell ${JSON.stringify(row.cells[2])} lacks the currency UAH`)
    expectEqual(row.cells[3], OWNER_NAME, 'owner of the created deal')
    expectEqual(await mock.count(SIGN_IN), 1, 'sign-in requests')
  })

  await check('the widget pages through the whole stage', async () => {
    const pages = (await mock.requests(STAGE_DEALS)).map((entry) => new URLSearchParams(entry.query ?? ''))
    expect(
      pages.every((query) => query.get('list') === String(WIDGET_PAGE_SIZE)),
      `page sizes ${pages.map((q) => q.get('list'))}`,
    )
    const numbers = pages.map((query) => Number(query.get('page') ?? 1)).sort((a, b) => a - b)
    const count = Math.ceil(expected.length / WIDGET_PAGE_SIZE)
    expectEqual(
      numbers,
      Array.from({ length: count }, (_, i) => i + 1),
      'pages requested',
    )
  })

  let storedAfterSignIn
  await check('localStorage holds the tokens, not the password', async () => {
    const entries = await storageEntries(page)
    expect(tokenKey in entries, `no ${tokenKey} in localStorage (keys: ${Object.keys(entries)})`)
    storedAfterSignIn = JSON.parse(entries[tokenKey])
    expectEqual(storedAfterSignIn.accessToken.split('.').length, 3, 'parts of the stored access token (a JWT)')
    expectEqual(typeof storedAfterSignIn.refreshToken, 'string', 'type of the stored refresh token')
    expect(storedAfterSignIn.refreshToken !== '', 'the stored refresh token is empty')
    const leaked = Object.entries(entries).filter(([key, value]) => key.includes(password) || value.includes(password))
    expectEqual(leaked.map(([key]) => key), [], 'localStorage entries containing the password')
    const session = await page.evaluate(() => JSON.stringify(Object.entries(sessionStorage)))
    expect(!session.includes(password), 'sessionStorage contains the password')
    const cookies = JSON.stringify(await page.context().cookies())
    expect(!cookies.includes(password), 'a cookie contains the password')
    expectEqual(await page.inputValue('#sign-in [name=password]'), '', 'the password field after sign-in')
    // The stored token works against the portal, so it is the session's pair.
    await mock.request('GET', '/crm/v1/entities/deals/funnel', { token: storedAfterSignIn.accessToken })
  })

  await check('reload resumes the session without the password', async () => {
    await mock.clearRequests()
    await page.reload()
    await waitForDeals(page)
    expect(await page.isHidden('#sign-in'), 'the sign-in form is shown after the reload')
    expectEqual(await page.inputValue('#funnel'), String(FUNNEL_ID), 'funnel after the reload')
    expectEqual(await page.inputValue('#stage'), String(STAGE_ID), 'stage after the reload')
    const shownIds = (await shownDeals(page)).map((deal) => deal.id)
    expectSameIds(shownIds, expectedIds, 'deals after the reload')
    expectEqual(await mock.count(SIGN_IN), 0, 'sign-in requests after the reload')
    expectEqual(await mock.count(REFRESH), 0, 'refresh requests after the reload')
    const authorizations = new Set((await mock.requests(STAGE_DEALS)).map((entry) => headerOf(entry, 'authorization')))
    expectEqual([...authorizations], [`Bearer ${storedAfterSignIn?.accessToken}`], 'tokens the stage requests carried')
  })

  await check('sign-out clears localStorage and shows the form', async () => {
    await openSignedIn(page, pageUrl, mock)
    await page.click('#sign-out')
    await waitForState(page, ['signed-out'])
    expectEqual(await storageKeys(page), [], 'localStorage keys after sign-out')
    expect(await page.isVisible('#sign-in'), 'the sign-in form is hidden after sign-out')
    expect(await page.isHidden('#deals-view'), 'the deals are still shown after sign-out')
    await mock.clearRequests()
    await page.reload()
    await waitForState(page, ['signed-out', 'ready', 'loading'])
    expectEqual(await page.evaluate(() => document.body.dataset.state), 'signed-out', 'state after a reload')
    expectEqual(await mock.count(), 0, 'requests to the portal after a reload')
  })

  await check('sign-out in one tab signs out the other', async () => {
    await openSignedIn(page, pageUrl, mock)
    const otherTab = await page.context().newPage()
    try {
      await otherTab.goto(pageUrl)
      await waitForDeals(otherTab)
      await otherTab.click('#sign-out')
      await waitForState(page, ['signed-out'])
      expectEqual(await page.textContent('#error'), 'Signed out in another tab.', 'message in the first tab')
      expect(await page.isVisible('#sign-in'), 'the first tab shows no sign-in form')
      expectEqual(await storageKeys(page), [], 'localStorage keys after sign-out in the other tab')
    } finally {
      await otherTab.close()
    }
  })

  await check('a wrong password shows the error and stores nothing', async () => {
    await openSignedOut(page, pageUrl)
    await mock.clearRequests()
    await signIn(page, mock, `${password}-wrong`)
    await page.waitForSelector('#error:not([hidden])', { timeout: WAIT_MS })
    const message = await page.textContent('#error')
    expect(message.startsWith('Sign-in failed: '), `error message ${JSON.stringify(message)}`)
    // The mock's message, passed on by the SDK's Unauthorized error.
    expect(message.includes('Invalid email or password'), `error message ${JSON.stringify(message)}`)
    expectEqual(await storageKeys(page), [], 'localStorage keys after a failed sign-in')
    expect(await page.isVisible('#sign-in'), 'the sign-in form is hidden')
    expectEqual(await mock.count(SIGN_IN), 1, 'sign-in requests')
  })

  await check('a 2FA account signs in with its code', async () => {
    await openSignedOut(page, pageUrl)
    const account = { email: mock.info.two_factor_email }
    await signIn(page, mock, mock.info.two_factor_password, account)
    await page.waitForSelector('#error:not([hidden])', { timeout: WAIT_MS })
    const message = await page.textContent('#error')
    expect(message.includes('code is required'), `error message without a code ${JSON.stringify(message)}`)
    expectEqual(await storageKeys(page), [], 'localStorage keys after the sign-in without a code')
    await signIn(page, mock, mock.info.two_factor_password, { ...account, code: mock.info.two_factor_code })
    await waitForDeals(page)
    expect(await page.isHidden('#error'), 'the error still shows after signing in')
    expectEqual(await page.inputValue('#sign-in [name=code]'), '', 'the code field after sign-in')
    const stored = JSON.stringify(await storageEntries(page))
    expect(!stored.includes(mock.info.two_factor_password), 'localStorage contains the password')
  })

  await check('an expired stored token is refreshed once on reload', async () => {
    await openSignedIn(page, pageUrl, mock)
    const expired = await mock.tokens(-60)
    await setStoredPair(page, tokenKey, expired)
    await mock.clearRequests()
    await page.reload()
    await waitForDeals(page)
    expect(await page.isHidden('#sign-in'), 'the sign-in form is shown')
    expect((await shownDeals(page)).length > 0, 'no deals shown')
    expectEqual(await mock.count(REFRESH), 1, 'refresh requests')
    expectEqual(await mock.count(SIGN_IN), 0, 'sign-in requests')
    const stored = JSON.parse((await storageEntries(page))[tokenKey] ?? 'null')
    expect(stored !== null, 'no pair stored after the refresh')
    expect(stored.accessToken !== expired.access_token, 'the expired access token is still stored')
    expect(stored.refreshToken !== expired.refresh_token, 'the used refresh token is still stored')
  })

  await check('sign-out during a refresh leaves no tokens', async () => {
    await openSignedIn(page, pageUrl, mock)
    const expired = await mock.tokens(-60)
    await setStoredPair(page, tokenKey, expired)
    await mock.clearRequests()
    const delayMs = 1500
    await mock.fault({ route: REFRESH, times: 1, kind: 'latency', latency_ms: delayMs })
    await page.reload()
    await page.waitForSelector('#sign-out', { state: 'visible', timeout: WAIT_MS })
    await waitUntil(async () => (await mock.count(REFRESH)) === 1, 'the refresh request never arrived')
    await page.click('#sign-out')
    expectEqual(await storageKeys(page), [], 'localStorage keys right after sign-out')
    // The delayed refresh completes and stores its pair; the page must drop it.
    await page.waitForTimeout(delayMs + 1000)
    expectEqual(await storageKeys(page), [], 'localStorage keys after the refresh completed')
    expectEqual(await page.evaluate(() => document.body.dataset.state), 'signed-out', 'state')
  })

  await check('a CORS-blocked sign-in is explained', async () => {
    await mock.clearFaults()
    await mock.fault({ route: SIGN_IN, kind: 'no_cors' })
    try {
      await openSignedOut(page, pageUrl)
      await signIn(page, mock, password)
      await page.waitForSelector('#error:not([hidden])', { timeout: WAIT_MS })
      const message = await page.textContent('#error')
      expect(message.includes('CORS'), `error message without CORS: ${JSON.stringify(message)}`)
      const origin = new URL(pageUrl).origin
      expect(message.includes(origin), `error message without the page origin ${origin}: ${JSON.stringify(message)}`)
      expectEqual(await storageKeys(page), [], 'localStorage keys after a blocked sign-in')
    } finally {
      await mock.clearFaults()
    }
  })
}

/** Sends a GET with `rawPath` exactly as given (fetch would resolve `..`) and returns the status and type. */
function getRaw(origin, rawPath) {
  const { hostname, port } = new URL(origin)
  return new Promise((resolve, reject) => {
    const request = http.get({ hostname, port, path: rawPath }, (response) => {
      response.resume()
      resolve({ status: response.statusCode, type: response.headers['content-type'] })
    })
    request.on('error', reject)
  })
}

async function checkServer(pageUrl) {
  await check('serve.mjs serves only the widget and the package', async () => {
    const origin = new URL(pageUrl).origin
    const served = {
      '/examples/browser/': 'text/html; charset=utf-8',
      '/examples/browser/widget.js': 'text/javascript; charset=utf-8',
      '/bindings-wasm/index.js': 'text/javascript; charset=utf-8',
      '/bindings-wasm/lib/client.js': 'text/javascript; charset=utf-8',
      '/bindings-wasm/pkg/uspacy_web_bg.wasm': 'application/wasm',
    }
    for (const [rawPath, type] of Object.entries(served)) {
      expectEqual(await getRaw(origin, rawPath), { status: 200, type }, `GET ${rawPath}`)
    }
    const hidden = [
      '/Cargo.toml',
      '/bindings-wasm/package.json',
      '/bindings-wasm/node_modules/playwright-core/package.json',
      '/examples/browser/../../Cargo.toml',
      '/examples/browser/..%2F..%2FCargo.toml',
      '/examples/browser/%2e%2e/%2e%2e/Cargo.toml',
      '/bindings-wasm/index.js.map',
    ]
    for (const rawPath of hidden) {
      expectEqual((await getRaw(origin, rawPath)).status, 404, `status of GET ${rawPath}`)
    }
  })
}

function headerOf(entry, name) {
  return entry.headers.find(([key]) => key === name)?.[1]
}

/** Replaces the stored pair as if an earlier page load had left it there. */
async function setStoredPair(page, tokenKey, issued) {
  const pair = {
    accessToken: issued.access_token,
    refreshToken: issued.refresh_token,
    expiresAt: Math.floor(Date.now() / 1000) + issued.expires_in,
  }
  await page.evaluate(([key, value]) => localStorage.setItem(key, value), [tokenKey, JSON.stringify(pair)])
}

async function waitUntil(condition, message) {
  const deadline = Date.now() + WAIT_MS
  while (!(await condition())) {
    expect(Date.now() < deadline, message)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

async function main() {
  const wasm = path.join(REPO_DIR, 'bindings-wasm', 'pkg', 'uspacy_web_bg.wasm')
  expect(fs.existsSync(wasm), `${wasm} is missing: build it with bash bindings-wasm/scripts/build.sh`)
  let mockProcess
  let serverProcess
  const pageErrors = []
  const offLoopback = []
  try {
    mockProcess = await startProcess('uspacy-mock', mockBinary(), [
      '--host', '127.0.0.1', '--port', '0', '--json', '--deals', String(MOCK_DEALS),
    ])
    const mock = new MockPortal(JSON.parse(mockProcess.line))
    serverProcess = await startProcess('serve.mjs', process.execPath, [path.join('examples', 'browser', 'serve.mjs'), '--port', '0'])
    const pageUrl = serverProcess.line.replace(/^serving /, '')
    expect(pageUrl.startsWith('http://127.0.0.1:'), `serve.mjs printed ${JSON.stringify(serverProcess.line)}`)

    // The locale fixes the number format of the amount column.
    browserContext = await launchChromium(profileDir, { locale: 'en-US' })
    // A second guard besides the flags: anything not on loopback is aborted and reported.
    await browserContext.route('**/*', (route) => {
      const { hostname } = new URL(route.request().url())
      if (hostname === '127.0.0.1' || hostname === '[::1]' || hostname === 'localhost') {
        return route.continue()
      }
      offLoopback.push(route.request().url())
      return route.abort()
    })
    const page = browserContext.pages()[0] ?? (await browserContext.newPage())
    page.on('pageerror', (error) => pageErrors.push(error.message))

    await checkServer(pageUrl)
    await runChecks(page, mock, pageUrl)

    await check('no uncaught exception in the page', async () => {
      expectEqual(pageErrors, [], 'uncaught exceptions')
    })
    await check('no request left the loopback interface', async () => {
      expectEqual(offLoopback, [], 'requests to other hosts')
    })
  } catch (error) {
    results.push({ name: 'setup', ok: false })
    console.log(`not ok - setup: ${error.stack ?? error}`)
  } finally {
    await browserContext?.close()
    if (serverProcess) {
      await stopProcess(serverProcess.child)
    }
    if (mockProcess) {
      await stopProcess(mockProcess.child)
    }
  }

  const failed = results.filter((result) => !result.ok).length
  console.log(`${results.length - failed} passed, ${failed} failed`)
  process.exitCode = failed === 0 ? 0 : 1
}

await main()
