// Every error class, from mock faults and bad input.

import assert from 'node:assert/strict'
import { after, before, beforeEach, describe, test } from 'node:test'

import {
  ApiError,
  ConfigError,
  DecodeError,
  Forbidden,
  NetworkError,
  NotFound,
  RateLimited,
  TimeoutError,
  Unauthorized,
  Uspacy,
  UspacyError,
  ValidationError,
} from '../index.mjs'
import mockHelpers from './helpers/mock.cjs'

const DEALS = 'GET /crm/v1/entities/deals'

let mock
let client

before(async () => {
  mock = await mockHelpers.startMock()
  client = new Uspacy(mock.passwordOptions())
  await client.authenticate()
})

after(async () => {
  client.close()
  await mock.stop()
})

beforeEach(async () => {
  await mock.reset()
})

/** Returns the rejection of `promise`, and fails when it resolves. */
async function failure(promise) {
  try {
    await promise
  } catch (error) {
    return error
  }
  assert.fail('the call did not fail')
}

async function count(method, path) {
  const requests = await mock.requests()
  return requests.filter((request) => request.method === method && request.path === path).length
}

describe('API errors', () => {
  test('404 is NotFound', async () => {
    const error = await failure(client.crm.items.get('deals', 9_999_999))

    assert.ok(error instanceof NotFound)
    assert.ok(error instanceof ApiError)
    assert.ok(error instanceof UspacyError)
    assert.ok(error instanceof Error)
    assert.equal(error.name, 'NotFound')
    assert.equal(error.kind, 'not_found')
    assert.equal(error.status, 404)
    assert.equal(error.method, 'GET')
    assert.equal(error.url, `${mock.baseUrl}/crm/v1/entities/deals/9999999`)
    assert.match(error.body, /9999999/)
    assert.match(error.message, /not found/)
    assert.equal(error.retryable, false)
  })

  test('422 is ValidationError with fieldErrors', async () => {
    const error = await failure(client.crm.items.create('deals', { title: 42, owner: 'nobody' }))

    assert.ok(error instanceof ValidationError)
    assert.equal(error.status, 422)
    assert.equal(error.method, 'POST')
    assert.ok(Array.isArray(error.fieldErrors.title), JSON.stringify(error.fieldErrors))
    assert.match(error.fieldErrors.title[0], /string/)
    assert.ok(Array.isArray(error.fieldErrors.owner))
    assert.equal(JSON.parse(error.body).errors.title[0], error.fieldErrors.title[0])
  })

  test('429 is RateLimited with retryAfter', async () => {
    // 120 s is above the longest wait the client accepts (60 s), so it
    // fails at once instead of waiting.
    await mock.fault({ route: DEALS, kind: 'rate_limited', retry_after: 120, times: 1 })

    const error = await failure(client.crm.items.list('deals'))

    assert.ok(error instanceof RateLimited)
    assert.equal(error.status, 429)
    assert.equal(error.retryAfter, 120)
    assert.equal(error.retryable, true)
    assert.equal(await count('GET', '/crm/v1/entities/deals'), 1)
  })

  test('429 with a short Retry-After is waited out', async () => {
    await mock.fault({ route: DEALS, kind: 'rate_limited', retry_after: 0, times: 1 })

    const page = await client.crm.items.list('deals', { list: 1 })

    assert.equal(page.data.length, 1)
    assert.equal(await count('GET', '/crm/v1/entities/deals'), 2)
  })

  test('502 HTML page keeps status and body', async () => {
    const noRetry = new Uspacy(mock.passwordOptions({ retry: { maxAttempts: 1 } }))
    await noRetry.authenticate()
    await mock.fault({ route: DEALS, kind: 'html_error', status: 502 })

    const error = await failure(noRetry.crm.items.list('deals'))

    assert.equal(error.constructor, ApiError)
    assert.equal(error.kind, 'api')
    assert.equal(error.status, 502)
    assert.match(error.body, /<html/i)
    assert.match(error.message, /502/)
    assert.equal(error.retryable, true)
    noRetry.close()
  })

  test('503 on POST is not retried', async () => {
    await mock.fault({ route: 'POST /crm/v1/entities/deals', kind: 'status', status: 503 })

    const error = await failure(client.crm.items.create('deals', { title: 'Не повторювати' }))

    assert.ok(error instanceof ApiError)
    assert.equal(error.status, 503)
    assert.equal(error.method, 'POST')
    assert.equal(await count('POST', '/crm/v1/entities/deals'), 1)
  })

  test('503 on GET is retried', async () => {
    await mock.fault({ route: DEALS, kind: 'status', status: 503, times: 2 })

    const page = await client.crm.items.list('deals', { list: 1 })

    assert.equal(page.data.length, 1)
    assert.equal(await count('GET', '/crm/v1/entities/deals'), 3)
  })

  test('403 is Forbidden', async () => {
    await mock.fault({ route: DEALS, kind: 'status', status: 403, times: 1 })

    const error = await failure(client.crm.items.list('deals'))

    assert.ok(error instanceof Forbidden)
    assert.equal(error.status, 403)
  })

  test('401 after a refresh is Unauthorized', async () => {
    await mock.fault({ route: DEALS, kind: 'expired_token', times: 2 })

    const error = await failure(client.crm.items.list('deals'))

    assert.ok(error instanceof Unauthorized)
    assert.equal(error.status, 401)
    assert.equal(await count('POST', '/auth/v1/auth/refresh_token'), 1)
  })
})

describe('transport errors', () => {
  test('dropped connection is NetworkError', async () => {
    const noRetry = new Uspacy(mock.passwordOptions({ retry: { maxAttempts: 1 } }))
    await noRetry.authenticate()
    await mock.fault({ route: DEALS, kind: 'drop_connection', times: 1 })

    const error = await failure(noRetry.crm.items.list('deals'))

    assert.ok(error instanceof NetworkError)
    assert.equal(error.kind, 'network')
    assert.equal(error.status, undefined)
    assert.equal(error.method, 'GET')
    assert.equal(error.retryable, true)
    noRetry.close()
  })

  test('dropped connection on GET is retried', async () => {
    await mock.fault({ route: DEALS, kind: 'drop_connection', times: 1 })

    const page = await client.crm.items.list('deals', { list: 1 })

    assert.equal(page.data.length, 1)
  })

  test('slow answer is TimeoutError', async () => {
    const impatient = new Uspacy(mock.passwordOptions({ timeouts: { request: 0.2 }, retry: { maxAttempts: 1 } }))
    await impatient.authenticate()
    await mock.fault({ route: DEALS, kind: 'latency', latency_ms: 1500, times: 1 })

    const error = await failure(impatient.crm.items.list('deals'))

    assert.ok(error instanceof TimeoutError)
    assert.ok(error instanceof NetworkError)
    assert.equal(error.kind, 'timeout')
    impatient.close()
  })

  test('malformed JSON is DecodeError', async () => {
    await mock.fault({ route: DEALS, kind: 'malformed_json', times: 1 })

    const error = await failure(client.crm.items.list('deals'))

    assert.ok(error instanceof DecodeError)
    assert.equal(error.kind, 'decode')
    assert.equal(error.status, 200)
    assert.ok(error.body.length > 0)
    assert.match(error.message, /crm\.items\.list returned a body that is not JSON/)
  })

  test('malformed page in iteration is DecodeError', async () => {
    await mock.fault({ route: DEALS, kind: 'malformed_json', times: 1 })

    const error = await failure((async () => {
      for await (const deal of client.crm.items.iter('deals')) {
        assert.fail(`unexpected deal ${deal.id}`)
      }
    })())

    assert.ok(error instanceof DecodeError)
    assert.equal(error.status, 200)
  })

  test('bodies JSON.parse rejects are decided by the core', async () => {
    const cases = [
      ['{"id": NaN}', 'body', /crm\.items\.list returned a body that is not JSON: expected value at line 1 column 8/],
      ['{"id": 1', 'body', /not JSON: EOF while parsing an object/],
      [Buffer.from('{"title": "\xff"}', 'latin1').toString('base64'), 'body_base64', /not JSON/],
    ]
    for (const [body, field, message] of cases) {
      await mock.fault({ route: DEALS, kind: 'respond', status: 200, times: 1, [field]: body })

      const error = await failure(client.crm.items.list('deals'))

      assert.ok(error instanceof DecodeError, String(error))
      assert.equal(error.status, 200)
      assert.match(error.message, message)
    }
  })

  test('empty body is null', async () => {
    await mock.fault({ route: DEALS, kind: 'empty_body', times: 1 })

    assert.equal(await client.crm.items.list('deals'), null)
  })

  test('unreachable portal is NetworkError', async () => {
    // Port 9 (discard) on loopback: nothing listens there in the test setup.
    const offline = new Uspacy({
      baseUrl: 'http://127.0.0.1:9',
      credentials: { email: 'a@b.ua', password: 'x' },
      retry: { maxAttempts: 1 },
      timeouts: { connect: 2 },
    })

    const error = await failure(offline.crm.items.list('deals'))

    assert.ok(error instanceof NetworkError, error)
    assert.match(error.message, /connect/)
  })
})

describe('bad options', () => {
  const cases = [
    ['no options', undefined, /needs an options object/],
    ['options not an object', 'acme', /needs an options object/],
    ['unknown option', { domain: 'acme', timeout: 5 }, /unknown option options\.timeout/],
    ['no portal', { credentials: { email: 'a@b.ua', password: 'x' } }, /portal address|domain/],
    ['empty domain', { domain: '' }, /options\.domain must be a non-empty string/],
    ['invalid domain', { domain: 'acme corp', credentials: { email: 'a@b.ua', password: 'x' } }, /invalid portal domain/],
    ['invalid base URL', { baseUrl: 'not a url', credentials: { email: 'a@b.ua', password: 'x' } }, /invalid base_url/],
    ['ftp base URL', { baseUrl: 'ftp://127.0.0.1', credentials: { email: 'a@b.ua', password: 'x' } }, /unsupported URL scheme/],
    ['credentials not an object', { domain: 'acme', credentials: 'token' }, /options\.credentials must be an object/],
    ['empty credentials', { domain: 'acme', credentials: {} }, /options\.credentials is empty/],
    ['mixed credentials', { domain: 'acme', credentials: { email: 'a@b.ua', accessToken: 't' } }, /mixes password and tokens/],
    ['password missing', { domain: 'acme', credentials: { email: 'a@b.ua' } }, /credentials\.password is missing/],
    ['secret missing', { domain: 'acme', credentials: { clientId: 'app' } }, /credentials\.clientSecret is missing/],
    ['unknown credential key', { domain: 'acme', credentials: { login: 'a' } }, /unknown option credentials\.login/],
    ['password not a string', { domain: 'acme', credentials: { email: 'a@b.ua', password: 12345 } }, /credentials\.password must be a non-empty string, got a number/],
    ['malformed webhook URL', { credentials: { webhookUrl: 'https://acme.uspacy.ua/company/v1/other' } }, /incoming-webhook URL/],
    ['negative timeout', { domain: 'acme', timeouts: { request: -1 } }, /options\.timeouts\.request must be a number of seconds, more than zero/],
    ['zero timeout', { domain: 'acme', timeouts: { connect: 0 } }, /options\.timeouts\.connect/],
    ['unknown timeout', { domain: 'acme', timeouts: { read: 5 } }, /unknown option timeouts\.read/],
    ['timeout in a string', { domain: 'acme', timeouts: { request: '30' } }, /options\.timeouts\.request/],
    ['zero attempts', { domain: 'acme', retry: { maxAttempts: 0 } }, /options\.retry\.maxAttempts must be an integer from 1 to 100/],
    ['fractional attempts', { domain: 'acme', retry: { maxAttempts: 1.5 } }, /options\.retry\.maxAttempts/],
    ['NaN backoff', { domain: 'acme', retry: { initialBackoff: Number.NaN } }, /options\.retry\.initialBackoff/],
    ['onTokens not a function', { domain: 'acme', onTokens: 'save' }, /options\.onTokens must be a function, got a string/],
    ['negative refresh skew', { domain: 'acme', refreshSkew: -1 }, /options\.refreshSkew/],
  ]

  for (const [name, options, message] of cases) {
    test(name, () => {
      assert.throws(
        () => new Uspacy(options),
        (error) => {
          assert.ok(error instanceof ConfigError, `${error.name}: ${error.message}`)
          assert.equal(error.kind, 'config')
          assert.match(error.message, message)
          return true
        },
      )
    })
  }

  test('messages leave out secrets', () => {
    const error = (() => {
      try {
        return new Uspacy({ baseUrl: 'nope', credentials: { email: 'a@b.ua', password: 'hunter2-secret' } })
      } catch (caught) {
        return caught
      }
    })()

    assert.ok(error instanceof ConfigError)
    assert.ok(!error.message.includes('hunter2-secret'))
    assert.ok(!error.stack.includes('hunter2-secret'))
  })
})

describe('closed client and panics', () => {
  test('calls after close are ConfigError', async () => {
    const closing = new Uspacy(mock.passwordOptions())
    closing.close()
    closing.close()

    assert.equal(closing.closed, true)
    const error = await failure(closing.crm.items.list('deals'))
    assert.ok(error instanceof ConfigError)
    assert.match(error.message, /closed/)
    assert.equal(closing.tokens(), null)
  })

  test('call in flight finishes after close', async () => {
    const closing = new Uspacy(mock.passwordOptions())
    await closing.authenticate()
    await mock.fault({ route: DEALS, kind: 'latency', latency_ms: 200, times: 1 })

    const pending = closing.crm.items.list('deals', { list: 1 })
    closing.close()

    assert.equal((await pending).data.length, 1)
  })

  test('panic in a future rejects one promise', async () => {
    const { createRequire } = await import('node:module')
    const native = createRequire(import.meta.url)('../native/binding.js')

    const outcome = await native.__panicInFutureForTesting()

    assert.equal(outcome.error.kind, 'internal')
    assert.match(outcome.error.message, /panic: test panic inside a future/)
    const page = await client.crm.items.list('deals', { list: 1 })
    assert.equal(page.data.length, 1)
  })

  test('panic on the JavaScript thread throws', async () => {
    const { createRequire } = await import('node:module')
    const native = createRequire(import.meta.url)('../native/binding.js')

    assert.throws(() => native.__panicForTesting(), /test panic on the JavaScript thread/)
    assert.equal((await client.crm.items.list('deals', { list: 1 })).data.length, 1)
  })
})
