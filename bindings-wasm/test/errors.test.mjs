// Error classes from mock faults, network failures and timeouts, and
// options checked before anything is sent.

import assert from 'node:assert/strict'
import net from 'node:net'
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
} from '../index.js'
import { startMock } from './helpers/mock.js'

const DEALS = 'GET /crm/v1/entities/deals'
const REFRESH = 'POST /auth/v1/auth/refresh_token'

let mock
let client

before(async () => {
  mock = await startMock(['--deals', '10'])
  client = new Uspacy(mock.passwordOptions({ retry: { maxAttempts: 2, initialBackoff: 0.01, maxBackoff: 0.02 } }))
  await client.authenticate()
})

after(async () => {
  await mock.stop()
})

beforeEach(async () => {
  await mock.reset()
})

/** Returns a loopback port with nothing listening on it. */
async function closedPort() {
  const server = net.createServer()
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address()
  await new Promise((resolve) => server.close(resolve))
  return port
}

describe('error classes', () => {
  const cases = [
    { fault: { kind: 'status', status: 404 }, type: NotFound, kind: 'not_found', status: 404 },
    { fault: { kind: 'status', status: 403 }, type: Forbidden, kind: 'forbidden', status: 403 },
    { fault: { kind: 'status', status: 422 }, type: ValidationError, kind: 'validation', status: 422 },
    { fault: { kind: 'rate_limited', retry_after: 120 }, type: RateLimited, kind: 'rate_limited', status: 429 },
    { fault: { kind: 'status', status: 500 }, type: ApiError, kind: 'api', status: 500 },
    { fault: { kind: 'html_error', status: 502 }, type: ApiError, kind: 'api', status: 502 },
    { fault: { kind: 'malformed_json' }, type: DecodeError, kind: 'decode', status: 200 },
  ]
  for (const { fault, type, kind, status } of cases) {
    test(`${fault.kind} ${fault.status ?? ''} raises ${type.name}`, async () => {
      await mock.fault({ route: DEALS, ...fault })
      await assert.rejects(client.crm.items.list('deals'), (error) => {
        assert.ok(error instanceof type, `${error.name}: ${error.message}`)
        assert.ok(error instanceof UspacyError)
        assert.equal(error.name, type.name)
        assert.equal(error.kind, kind)
        assert.equal(error.status, status)
        return true
      })
    })
  }

  test('a validation error carries the field errors', async () => {
    await assert.rejects(client.crm.items.create('deals', { title: '' }), (error) => {
      assert.ok(error instanceof ValidationError, `${error.name}: ${error.message}`)
      assert.ok(Object.keys(error.fieldErrors).length > 0)
      return true
    })
  })

  test('a rate limit carries retryAfter in seconds', async () => {
    await mock.fault({ route: DEALS, kind: 'rate_limited', retry_after: 120 })
    await assert.rejects(client.crm.items.list('deals'), (error) => error instanceof RateLimited && error.retryAfter === 120)
  })

  test('a Retry-After HTTP date is read with the browser clock', async () => {
    // Parsing a date needs the wall clock, which std::time cannot read on
    // wasm32; the core reads it through web-time.
    await mock.fault({
      route: DEALS,
      times: 1,
      kind: 'respond',
      status: 429,
      headers: { 'retry-after': new Date(Date.now() - 60_000).toUTCString() },
      body: '{"message": "slow down"}',
    })
    await client.crm.items.list('deals', { list: 1 })
    assert.equal(await mock.count(DEALS), 2)
  })

  test('an HTML error page keeps its body', async () => {
    await mock.fault({ route: DEALS, kind: 'html_error', status: 502 })
    await assert.rejects(client.crm.items.list('deals'), (error) => /<html/i.test(error.body))
  })

  test('a second 401 raises Unauthorized after one refresh', async () => {
    await mock.fault({ route: DEALS, times: 2, kind: 'expired_token' })
    await assert.rejects(client.crm.items.list('deals'), Unauthorized)
    assert.equal(await mock.count(REFRESH), 1)
  })
})

describe('network failures', () => {
  test('a refused connection raises NetworkError without a refresh', async () => {
    const issued = await mock.tokens(3600)
    const offline = new Uspacy({
      baseUrl: `http://127.0.0.1:${await closedPort()}`,
      credentials: { accessToken: issued.access_token, refreshToken: issued.refresh_token },
      retry: { maxAttempts: 2, initialBackoff: 0.01 },
    })
    await assert.rejects(offline.crm.items.list('deals'), (error) => {
      assert.ok(error instanceof NetworkError, `${error.name}: ${error.message}`)
      assert.ok(!(error instanceof TimeoutError))
      assert.equal(error.kind, 'network')
      assert.equal(error.status, undefined)
      assert.equal(error.retryable, true)
      return true
    })
  })

  test('a dropped connection raises NetworkError', async () => {
    await mock.fault({ route: 'POST /crm/v1/entities/deals', kind: 'drop_connection' })
    await assert.rejects(client.crm.items.create('deals', { title: 'x' }), NetworkError)
    assert.equal(await mock.count('POST /crm/v1/entities/deals'), 1)
  })

  test('a slow response raises TimeoutError after the request timeout', async () => {
    const slow = new Uspacy(mock.passwordOptions({ timeouts: { request: 0.3 }, retry: { maxAttempts: 1 } }))
    await slow.authenticate()
    await mock.fault({ route: DEALS, kind: 'latency', latency_ms: 3000 })
    const started = Date.now()
    await assert.rejects(slow.crm.items.list('deals'), (error) => {
      assert.ok(error instanceof TimeoutError, `${error.name}: ${error.message}`)
      assert.ok(error instanceof NetworkError)
      assert.equal(error.kind, 'timeout')
      return true
    })
    assert.ok(Date.now() - started < 2500, `took ${Date.now() - started} ms`)
  })

  test('an idempotent call is retried after a timeout', async () => {
    const slow = new Uspacy(mock.passwordOptions({ timeouts: { request: 0.3 }, retry: { maxAttempts: 2, initialBackoff: 0.01 } }))
    await slow.authenticate()
    await mock.fault({ route: DEALS, times: 1, kind: 'latency', latency_ms: 2000 })
    await slow.crm.items.list('deals', { list: 1 })
    assert.equal(await mock.count(DEALS), 2)
  })
})

describe('configuration', () => {
  const invalid = [
    [undefined, /needs an options object/],
    [{ domain: 'acme', colour: 'red' }, /unknown option options.colour/],
    [{ domain: 'acme', credentials: { email: 'a@b.c' } }, /credentials.password is missing/],
    [{ domain: 'acme', credentials: { email: 'a', password: 'b', clientId: 'c' } }, /mixes password and app/],
    [{ domain: 'acme', timeouts: { request: 0 } }, /timeouts.request must be a number of seconds, more than zero/],
    [{ domain: 'acme', retry: { maxAttempts: 0 } }, /maxAttempts must be an integer/],
    [{ domain: 'not a host!' }, /invalid portal domain/],
    [{ baseUrl: 'ftp://127.0.0.1' }, /unsupported URL scheme/],
    [{ credentials: { webhookUrl: 'https://acme.uspacy.ua/nope' } }, /incoming-webhook URL/],
    [{ credentials: { email: 'a', password: 'b' } }, /need the portal address/],
  ]
  for (const [options, message] of invalid) {
    test(`rejects ${JSON.stringify(options)}`, () => {
      assert.throws(() => new Uspacy(options), (error) => error instanceof ConfigError && message.test(error.message))
    })
  }

  test('errors never show the password', () => {
    const secret = 'pa55-very-secret'
    try {
      new Uspacy({ baseUrl: 'ftp://x', credentials: { email: 'a', password: secret } })
      assert.fail('expected a ConfigError')
    } catch (error) {
      assert.ok(!JSON.stringify({ ...error, message: error.message }).includes(secret))
    }
  })

  test('an unknown op id and a missing path parameter raise ConfigError before sending', async () => {
    await assert.rejects(client.call('crm.nothing.here'), ConfigError)
    await assert.rejects(client.call('crm.items.get', { pathParams: { entity_code: 'deals' } }), ConfigError)
    await assert.rejects(client.crm.items.get('deals', {}), ConfigError)
    assert.equal((await mock.requests()).length, 0)
  })

  test('a body that JSON cannot hold raises ConfigError', async () => {
    const body = { title: 'x' }
    body.self = body
    await assert.rejects(client.crm.items.create('deals', body), ConfigError)
    await assert.rejects(client.crm.items.create('deals', { n: 1n }), ConfigError)
  })

  test('a non-paging operation cannot be iterated', async () => {
    const iterator = client.paginate('users.me.get')
    await assert.rejects(iterator.next(), (error) => error instanceof ConfigError && /does not page/.test(error.message))
  })
})
