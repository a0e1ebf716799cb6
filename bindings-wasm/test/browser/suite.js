// The browser suite's tests, run inside headless Chromium by run.mjs. The
// page and the mock portal are on different loopback ports, so every API
// call is a cross-origin request with a CORS preflight.

import {
  ApiError,
  ConfigError,
  DecodeError,
  Forbidden,
  NetworkError,
  NotFound,
  RateLimited,
  TimeoutError,
  TokenPair,
  Unauthorized,
  Uspacy,
  UspacyError,
  ValidationError,
} from '../../index.js'
import { runTask, taskCounts } from '../../lib/runtime.js'
import { runCase as runConformanceCase } from '../shared/conformance.js'
import { MockControl } from '../shared/mock-control.js'

const REFRESH = 'POST /auth/v1/auth/refresh_token'
const SIGN_IN = 'POST /auth/v1/auth/sign_in'
const DEALS = 'GET /crm/v1/entities/deals'

function check(condition, message) {
  if (!condition) {
    throw new Error(message)
  }
}

async function expectError(promise, type, describe = '') {
  try {
    const value = await promise
    throw new Error(`expected ${type.name}${describe}, got the value ${JSON.stringify(value)?.slice(0, 200)}`)
  } catch (error) {
    if (!(error instanceof type)) {
      throw new Error(`expected ${type.name}${describe}, got ${error?.name}: ${error?.message}`)
    }
    return error
  }
}

async function expiredOptions(mock, extra = {}) {
  const issued = await mock.tokens(-10)
  return {
    baseUrl: mock.baseUrl,
    credentials: { accessToken: issued.access_token, refreshToken: issued.refresh_token },
    retry: { initialBackoff: 0.01, maxBackoff: 0.05 },
    ...extra,
  }
}

/** The tests, by name; each gets a `MockControl` of a mock reset before it. */
const TESTS = {
  async 'password sign-in and a call'(mock) {
    const client = new Uspacy(mock.passwordOptions())
    const page = await client.crm.items.list('deals', { page: 1, list: 5 })
    check(page.data.length === 5, `got ${page.data.length} deals`)
    check(Object.getPrototypeOf(page) === Object.prototype, 'the result is not a plain object')
    check(client.tokens() instanceof TokenPair, 'no token pair after sign-in')
    check((await mock.count(SIGN_IN)) === 1, 'sign-in count')
    check((await mock.count('OPTIONS /crm/v1/entities/deals')) >= 1, 'no CORS preflight was sent')
  },

  async 'twenty concurrent calls with an expired token refresh once'(mock) {
    const client = new Uspacy(await expiredOptions(mock))
    await Promise.all(Array.from({ length: 20 }, () => client.crm.items.list('deals', { list: 1 })))
    const refreshes = await mock.count(REFRESH)
    check(refreshes === 1, `${refreshes} refreshes`)
    check((await mock.count(DEALS)) === 20, 'deal list count')
  },

  async 'a 401 refreshes once and replays'(mock) {
    const client = new Uspacy(mock.passwordOptions())
    await client.authenticate()
    await mock.fault({ route: DEALS, times: 1, kind: 'expired_token' })
    await client.crm.items.list('deals', { list: 1 })
    check((await mock.count(REFRESH)) === 1, 'refresh count')
  },

  async 'error classes from mock faults'(mock) {
    const client = new Uspacy(mock.passwordOptions({ retry: { maxAttempts: 1 } }))
    await client.authenticate()
    const cases = [
      [{ kind: 'status', status: 404 }, NotFound, 404],
      [{ kind: 'status', status: 403 }, Forbidden, 403],
      [{ kind: 'status', status: 422 }, ValidationError, 422],
      [{ kind: 'rate_limited', retry_after: 120 }, RateLimited, 429],
      [{ kind: 'status', status: 503 }, ApiError, 503],
      [{ kind: 'html_error', status: 502 }, ApiError, 502],
      [{ kind: 'malformed_json' }, DecodeError, 200],
    ]
    for (const [fault, type, status] of cases) {
      await mock.fault({ route: DEALS, times: 1, ...fault })
      const error = await expectError(client.crm.items.list('deals'), type, ` for ${fault.kind}`)
      check(error.status === status, `${type.name}: status ${error.status}, expected ${status}`)
      check(error instanceof UspacyError, `${type.name} is not a UspacyError`)
    }
    await mock.fault({ route: DEALS, times: 2, kind: 'expired_token' })
    await expectError(client.crm.items.list('deals'), Unauthorized)
    const invalid = await expectError(client.crm.items.create('deals', { title: '' }), ValidationError)
    check(Object.keys(invalid.fieldErrors).length > 0, 'no field errors')
  },

  async 'for await over 5,000 deals'(mock) {
    const client = new Uspacy(mock.passwordOptions())
    const ids = new Set()
    for await (const deal of client.crm.items.iter('deals', { list: 100 })) {
      ids.add(deal.id)
    }
    check(ids.size === 5000, `${ids.size} distinct deals`)
    check((await mock.count(DEALS)) === 50, 'page requests')
    check(taskCounts().module === 0, 'tasks left in the module')
  },

  async 'a Blob with a Cyrillic name uploads'(mock) {
    const client = new Uspacy(mock.passwordOptions())
    const content = 'Зміст договору №5'
    const file = new File([content], 'Договір №5.txt', { type: 'text/plain' })
    await client.files.upload({
      files: [{ name: file.name, data: file }],
      fields: { entityType: 'deals', entityId: 1 },
    })
    const recorded = (await mock.requests()).filter((request) => request.method === 'POST' && request.path === '/files/v1/files')
    check(recorded.length === 1, `${recorded.length} upload requests`)
    const body = recorded[0].body
    check(body.includes('filename="Договір №5.txt"'), `file name not found in ${body.slice(0, 300)}`)
    check(body.includes('Content-Type: text/plain'), 'the File type was not sent')
    check(body.includes(content), 'the content was not sent')
  },

  async 'a CORS-blocked preflight raises NetworkError without a refresh'(mock) {
    const issued = await mock.tokens(3600)
    const client = new Uspacy({
      baseUrl: mock.baseUrl,
      credentials: { accessToken: issued.access_token, refreshToken: issued.refresh_token },
      retry: { maxAttempts: 2, initialBackoff: 0.01 },
    })
    await mock.fault({ route: DEALS, kind: 'no_cors' })
    // A URL this page has not called yet, so the browser has no cached
    // preflight for it (the mock allows caching for 600 s).
    const error = await expectError(client.crm.items.list('deals', { q: `cors-${Date.now()}` }), NetworkError)
    check(!(error instanceof TimeoutError), 'a CORS failure read as a timeout')
    check(error.kind === 'network', `kind ${error.kind}`)
    check(error.status === undefined, `status ${error.status}`)
    check((await mock.count(REFRESH)) === 0, 'a refresh was sent')
    check((await mock.count(DEALS)) === 0, 'the browser sent the blocked request')
    check((await mock.count('OPTIONS /crm/v1/entities/deals')) === 2, 'expected one preflight per attempt')
  },

  async 'a response without CORS headers raises NetworkError without a refresh'(mock) {
    const issued = await mock.tokens(3600)
    const client = new Uspacy({
      baseUrl: mock.baseUrl,
      credentials: { accessToken: issued.access_token, refreshToken: issued.refresh_token },
      retry: { maxAttempts: 2, initialBackoff: 0.01 },
    })
    // The first call caches the preflight, so the blocked attempts reach
    // the portal and only their responses lack the CORS headers.
    const query = { q: `cors-response-${Date.now()}` }
    await client.crm.items.list('deals', query)
    await mock.fault({ route: DEALS, kind: 'no_cors' })
    const error = await expectError(client.crm.items.list('deals', query), NetworkError)
    check(error.kind === 'network' && error.status === undefined, `kind ${error.kind}, status ${error.status}`)
    check((await mock.count(REFRESH)) === 0, 'a refresh was sent')
    check((await mock.count(DEALS)) === 3, 'expected the first call and two blocked attempts')
  },

  async 'an unreachable portal raises NetworkError'(mock, info) {
    const client = new Uspacy({
      baseUrl: `http://127.0.0.1:${info.closedPort}`,
      credentials: { accessToken: (await mock.tokens(3600)).access_token },
      retry: { maxAttempts: 1 },
    })
    const error = await expectError(client.crm.items.list('deals'), NetworkError)
    check(!(error instanceof Unauthorized) && error.kind === 'network', `kind ${error.kind}`)
  },

  async 'a slow response raises TimeoutError'(mock) {
    const client = new Uspacy(mock.passwordOptions({ timeouts: { request: 0.3 }, retry: { maxAttempts: 1 } }))
    await client.authenticate()
    await mock.fault({ route: DEALS, kind: 'latency', latency_ms: 3000 })
    const started = performance.now()
    const error = await expectError(client.crm.items.list('deals'), TimeoutError)
    check(error instanceof NetworkError && error.kind === 'timeout', `kind ${error.kind}`)
    const elapsed = performance.now() - started
    check(elapsed < 2500, `took ${Math.round(elapsed)} ms`)
  },

  async 'retries wait with browser timers'(mock) {
    const client = new Uspacy(mock.passwordOptions({ retry: { maxAttempts: 3, initialBackoff: 0.2, maxBackoff: 0.2 } }))
    await client.authenticate()
    await mock.fault({ route: DEALS, times: 2, kind: 'status', status: 503 })
    const started = performance.now()
    await client.crm.items.list('deals', { list: 1 })
    const elapsed = performance.now() - started
    check((await mock.count(DEALS)) === 3, 'attempts')
    check(elapsed >= 190, `two backoffs of 100-200 ms took only ${Math.round(elapsed)} ms`)
  },

  async 'a token provider supplies the host page token'(mock) {
    const asked = []
    const client = new Uspacy({
      baseUrl: mock.baseUrl,
      credentials: {
        tokenProvider: async ({ rejected }) => {
          asked.push(rejected)
          return (await mock.tokens(3600)).access_token
        },
      },
    })
    await client.crm.items.list('deals', { list: 1 })
    await mock.fault({ route: DEALS, times: 1, kind: 'expired_token' })
    await client.crm.items.list('deals', { list: 1 })
    check(JSON.stringify(asked) === '[false,true]', `provider calls ${JSON.stringify(asked)}`)
    check((await mock.count(REFRESH)) === 0, 'a refresh was sent')
  },

  async 'localStorage keeps the pair for the next page load'(mock) {
    localStorage.clear()
    const first = new Uspacy(mock.passwordOptions({ tokenStorage: 'localStorage' }))
    await first.authenticate()
    const stored = JSON.parse(localStorage.getItem(first.tokenStorageKey))
    check(stored.accessToken === first.tokens().accessToken, 'the stored pair differs')
    await mock.control('DELETE', 'requests')
    const later = new Uspacy({ baseUrl: mock.baseUrl, tokenStorage: 'localStorage' })
    await later.crm.items.list('deals', { list: 1 })
    check((await mock.count(SIGN_IN)) === 0, 'signed in again')
    localStorage.clear()
  },

  async 'invalid options raise ConfigError'() {
    for (const options of [{}, { domain: 'acme', tokenStorage: 'cookies' }, { baseUrl: 'ftp://127.0.0.1' }]) {
      try {
        new Uspacy(options)
        throw new Error(`accepted ${JSON.stringify(options)}`)
      } catch (error) {
        check(error instanceof ConfigError, `${JSON.stringify(options)}: ${error.name}: ${error.message}`)
      }
    }
  },

  async 'a panic is contained and the module stays usable'(mock) {
    const client = new Uspacy(mock.passwordOptions())
    await client.authenticate()
    const outcome = await runTask((glue) => glue.__panicInTaskForTesting())
    check(outcome.error?.kind === 'internal', `outcome ${JSON.stringify(outcome)}`)
    check(/test panic inside a task/.test(outcome.error.message), outcome.error.message)
    const stale = await expectError(client.crm.items.list('deals'), UspacyError)
    check(/create a new Uspacy client/.test(stale.message), stale.message)
    const fresh = new Uspacy(mock.passwordOptions())
    check((await fresh.crm.items.list('deals', { list: 2 })).data.length === 2, 'the fresh client failed')
  },
}

/** Returns the names of the tests, in order. */
export function testNames() {
  return Object.keys(TESTS)
}

/** Runs one test against the mock described by `info`; resolves with `{ok, error?}`. */
export async function runTest(name, info) {
  const mock = new MockControl(info.mock)
  try {
    await mock.reset()
    await TESTS[name](mock, info)
    return { ok: true }
  } catch (error) {
    return { ok: false, error: `${error?.name}: ${error?.message}` }
  }
}

/** Runs one conformance case against a fresh mock; resolves with `{ok, error?}`. */
export async function runCase(testCase, mockInfo) {
  try {
    await runConformanceCase(Uspacy, new MockControl(mockInfo), testCase)
    return { ok: true }
  } catch (error) {
    return { ok: false, error: `${error?.name}: ${error?.message}` }
  }
}

/**
 * Runs one tab's part of the two-tab test: a client that starts from the
 * pair in localStorage makes `count` calls at once. Resolves with the
 * access token it ends with, or the error.
 */
export async function tabCalls(info, count) {
  try {
    const client = new Uspacy({ baseUrl: info.mock.base_url, tokenStorage: 'localStorage' })
    check(client.tokens() !== null, 'the stored pair was not loaded')
    await Promise.all(Array.from({ length: count }, () => client.crm.items.list('deals', { list: 1 })))
    return { ok: true, accessToken: client.tokens().accessToken, lock: 'locks' in navigator }
  } catch (error) {
    return { ok: false, error: `${error?.name}: ${error?.message}` }
  }
}
