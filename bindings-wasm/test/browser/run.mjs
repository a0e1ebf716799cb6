// The browser suite: serves the package on a loopback port, starts the mock
// portal on another, drives headless Chromium (Debian's /usr/bin/chromium
// through playwright-core) and runs suite.js in the page, the two-tab
// refresh test and every conformance case. Prints one line per test and a
// closing `N passed, N failed` line; exits non-zero when any test failed.
//
// Usage: node test/browser/run.mjs
// Environment: CHROMIUM (default /usr/bin/chromium), USPACY_MOCK_BIN,
// USPACY_WEB_PID_DIR (see helpers/mock.js), USPACY_WEB_OUTPUT (the folder
// for the browser profile and logs; default test-output/ in the package).

import fs from 'node:fs'
import http from 'node:http'
import net from 'node:net'
import path from 'node:path'

import { launchChromium } from '../helpers/chromium.mjs'
import { PACKAGE_DIR, WORKSPACE_DIR, startMock } from '../helpers/mock.js'

const CASES_DIR = path.join(WORKSPACE_DIR, 'tests', 'conformance')

/**
 * Conformance expectations that Chromium's network stack, not the SDK,
 * cannot meet. Each entry names the request count it relaxes and the
 * counts accepted.
 *
 * `dropped_connection_on_post`: when a reused keep-alive connection closes
 * without a response, Chromium sends the request again on a new connection
 * by itself, whatever the method. The mock may then see the POST twice,
 * although the SDK sent it once and did not retry it.
 */
const BROWSER_COUNTS = {
  dropped_connection_on_post: { route: 'POST /crm/v1/entities/deals', accepted: [1, 2] },
}
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
}

/** Serves the package folder read-only on 127.0.0.1; resolves with the server and its origin. */
async function serveStatic() {
  const server = http.createServer((request, response) => {
    const url = new URL(request.url, 'http://127.0.0.1')
    const file = path.normalize(path.join(PACKAGE_DIR, decodeURIComponent(url.pathname)))
    const inside = file.startsWith(PACKAGE_DIR + path.sep) && !file.includes(`${path.sep}node_modules${path.sep}`)
    if (request.method !== 'GET' || !inside || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      response.writeHead(404).end()
      return
    }
    response.writeHead(200, {
      'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-store',
    })
    fs.createReadStream(file).pipe(response)
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { server, origin: `http://127.0.0.1:${server.address().port}` }
}

/** Returns a loopback port with nothing listening on it. */
async function closedPort() {
  const server = net.createServer()
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address()
  await new Promise((resolve) => server.close(resolve))
  return port
}

const results = []

function report(name, outcome) {
  results.push({ name, ...outcome })
  console.log(outcome.ok ? `ok - ${name}` : `not ok - ${name}: ${outcome.error}`)
}

async function openSuitePage(context, origin, errors) {
  const page = await context.newPage()
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`))
  page.on('console', (message) => {
    if (message.type() === 'error') {
      errors.push(`console error: ${message.text()}`)
    }
  })
  await page.goto(`${origin}/test/browser/page.html`)
  await page.waitForFunction(() => window.suiteReady === true, null, { timeout: 30_000 })
  return page
}

/**
 * Two tabs of one app share localStorage and Web Locks: both start from
 * the same expired pair and call at once, and only one refresh may reach
 * the portal.
 */
async function twoTabs(context, origin, mock, info) {
  const errors = []
  const tabs = [await openSuitePage(context, origin, errors), await openSuitePage(context, origin, errors)]
  try {
    await mock.reset()
    const issued = await mock.tokens(-10)
    const key = `uspacy-web:tokens:${mock.baseUrl}/`
    const pair = JSON.stringify({
      accessToken: issued.access_token,
      refreshToken: issued.refresh_token,
      expiresAt: Math.floor(Date.now() / 1000) - 10,
    })
    await tabs[0].evaluate(([storageKey, value]) => localStorage.setItem(storageKey, value), [key, pair])
    const outcomes = await Promise.all(tabs.map((tab) => tab.evaluate(([i, n]) => window.suite.tabCalls(i, n), [info, 5])))
    const failed = outcomes.find((outcome) => !outcome.ok)
    if (failed) {
      return { ok: false, error: failed.error }
    }
    if (!outcomes.every((outcome) => outcome.lock)) {
      return { ok: false, error: 'this Chromium has no navigator.locks' }
    }
    const refreshes = await mock.count('POST /auth/v1/auth/refresh_token')
    if (refreshes !== 1) {
      return { ok: false, error: `${refreshes} refresh requests, expected 1` }
    }
    if (outcomes[0].accessToken !== outcomes[1].accessToken) {
      return { ok: false, error: 'the tabs ended with different access tokens' }
    }
    if (errors.length > 0) {
      return { ok: false, error: errors.join('; ') }
    }
    return { ok: true }
  } finally {
    await tabs[0].evaluate(() => localStorage.clear())
    await Promise.all(tabs.map((tab) => tab.close()))
  }
}

async function main() {
  const outputDir = process.env.USPACY_WEB_OUTPUT ?? path.join(PACKAGE_DIR, 'test-output')
  const profileDir = path.join(outputDir, 'chromium-profile')
  fs.rmSync(profileDir, { recursive: true, force: true })
  fs.mkdirSync(profileDir, { recursive: true })

  const { server, origin } = await serveStatic()
  const mock = await startMock(['--deals', '5000'])
  let context
  try {
    context = await launchChromium(profileDir)
    const info = { mock: mock.info, closedPort: await closedPort() }

    const errors = []
    const page = await openSuitePage(context, origin, errors)
    const names = await page.evaluate(() => window.suite.testNames())
    for (const name of names) {
      const outcome = await page.evaluate(([n, i]) => window.suite.runTest(n, i), [name, info])
      report(name, outcome)
    }
    await page.close()
    // Expected failures (the blocked CORS requests) print console errors;
    // an uncaught exception in the page is a failure.
    const uncaught = errors.filter((text) => text.startsWith('page error'))
    report('no uncaught exception in the page', uncaught.length === 0 ? { ok: true } : { ok: false, error: uncaught.join('; ') })

    report('two tabs with localStorage and Web Locks refresh once', await twoTabs(context, origin, mock, info))

    const casePage = await openSuitePage(context, origin, [])
    for (const file of fs.readdirSync(CASES_DIR).filter((name) => name.endsWith('.json')).sort()) {
      for (const testCase of JSON.parse(fs.readFileSync(path.join(CASES_DIR, file), 'utf8'))) {
        const caseMock = await startMock(['--deals', '120'])
        try {
          const relaxed = BROWSER_COUNTS[testCase.name]
          const browserCase = structuredClone(testCase)
          if (relaxed !== undefined) {
            delete browserCase.expect.count[relaxed.route]
          }
          let outcome = await casePage.evaluate(([c, i]) => window.suite.runCase(c, i), [browserCase, caseMock.info])
          if (outcome.ok && relaxed !== undefined) {
            const seen = await caseMock.count(relaxed.route)
            if (!relaxed.accepted.includes(seen)) {
              outcome = { ok: false, error: `${relaxed.route} seen ${seen} times, expected one of ${relaxed.accepted}` }
            }
          }
          report(`conformance ${file} ${testCase.name}`, outcome)
        } finally {
          await caseMock.stop()
        }
      }
    }
  } catch (error) {
    report('browser suite setup', { ok: false, error: error.stack ?? String(error) })
  } finally {
    await context?.close()
    await mock.stop()
    await new Promise((resolve) => server.close(resolve))
  }

  const failed = results.filter((result) => !result.ok).length
  console.log(`${results.length - failed} passed, ${failed} failed`)
  process.exitCode = failed === 0 ? 0 : 1
}

await main()
