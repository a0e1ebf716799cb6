// Sign-in with every credential kind, token refresh and its single flight.

import assert from 'node:assert/strict'
import { after, before, beforeEach, describe, test } from 'node:test'
import { inspect } from 'node:util'

import { ConfigError, SessionExpired, TokenPair, Unauthorized, Uspacy, ValidationError } from '../index.mjs'
import mockHelpers from './helpers/mock.cjs'

let mock

before(async () => {
  mock = await mockHelpers.startMock()
})

after(async () => {
  await mock.stop()
})

beforeEach(async () => {
  await mock.reset()
})

/** Returns the recorded requests to `path`, in order. */
async function requestsTo(method, path) {
  const requests = await mock.requests()
  return requests.filter((request) => request.method === method && request.path === path)
}

describe('sign-in', () => {
  test('password credentials', async () => {
    const pairs = []
    const client = new Uspacy(mock.passwordOptions({ onTokens: (pair) => pairs.push(pair) }))

    const page = await client.crm.items.list('deals', { list: 1 })

    assert.equal(page.data.length, 1)
    const signIns = await requestsTo('POST', '/auth/v1/auth/sign_in')
    assert.equal(signIns.length, 1)
    assert.deepEqual(JSON.parse(signIns[0].body), { email: mock.info.email, password: mock.info.password })
    const [list] = await requestsTo('GET', '/crm/v1/entities/deals')
    const tokens = client.tokens()
    assert.ok(tokens instanceof TokenPair)
    assert.equal(list.header('authorization'), `Bearer ${tokens.accessToken}`)
    await waitFor(() => pairs.length === 1)
    assert.equal(pairs[0].accessToken, tokens.accessToken)
    client.close()
  })

  test('password with two-factor code', async () => {
    const client = new Uspacy({
      baseUrl: mock.baseUrl,
      credentials: {
        email: mock.info.two_factor_email,
        password: mock.info.two_factor_password,
        code: mock.info.two_factor_code,
      },
    })

    await client.authenticate()

    const [signIn] = await requestsTo('POST', '/auth/v1/auth/sign_in')
    assert.equal(JSON.parse(signIn.body).code, mock.info.two_factor_code)
    assert.ok(client.tokens().accessToken.length > 20)
  })

  test('two-factor account without code fails validation', async () => {
    const client = new Uspacy({
      baseUrl: mock.baseUrl,
      credentials: { email: mock.info.two_factor_email, password: mock.info.two_factor_password },
    })

    const error = await client.authenticate().catch((caught) => caught)

    assert.ok(error instanceof ValidationError, error)
    assert.equal(error.status, 422)
    assert.ok(Array.isArray(error.fieldErrors.code))
  })

  test('wrong password is Unauthorized', async () => {
    const client = new Uspacy({
      baseUrl: mock.baseUrl,
      credentials: { email: mock.info.email, password: 'not-the-password' },
    })

    await assert.rejects(client.crm.items.list('deals'), Unauthorized)
    assert.equal((await requestsTo('GET', '/crm/v1/entities/deals')).length, 0)
  })

  test('app client id and secret', async () => {
    const client = new Uspacy({
      baseUrl: mock.baseUrl,
      credentials: { clientId: mock.info.client_id, clientSecret: mock.info.client_secret },
    })

    await client.crm.items.list('deals', { list: 1 })

    const [signIn] = await requestsTo('POST', '/auth/v1/auth/app_sign_in')
    assert.deepEqual(JSON.parse(signIn.body), {
      client_id: mock.info.client_id,
      client_secret: mock.info.client_secret,
    })
    assert.equal((await requestsTo('POST', '/auth/v1/auth/sign_in')).length, 0)
  })

  test('existing token pair sends no sign-in', async () => {
    const issued = await mock.tokens()
    const client = new Uspacy({
      baseUrl: mock.baseUrl,
      credentials: { accessToken: issued.access_token, refreshToken: issued.refresh_token },
    })

    await client.crm.items.list('deals', { list: 1 })

    const requests = await mock.requests()
    assert.deepEqual(
      requests.map((request) => `${request.method} ${request.path}`),
      ['GET /crm/v1/entities/deals'],
    )
    assert.equal(requests[0].header('authorization'), `Bearer ${issued.access_token}`)
  })

  test('token pair without portal uses the domain claim', async () => {
    const issued = await mock.tokens()
    // Only built, never called: the claim names a host outside loopback.
    const client = new Uspacy({ credentials: { accessToken: issued.access_token } })

    assert.equal(client.baseUrl, `https://${mock.info.domain}/`)
    client.close()
  })

  test('webhook URL sends no token', async () => {
    const client = new Uspacy({ credentials: { webhookUrl: mock.info.webhook_url } })

    const page = await client.crm.items.list('deals', { list: 2 })

    assert.equal(page.data.length, 2)
    const [request] = await mock.requests()
    assert.equal(request.path, `/company/v1/incoming_webhooks/run/${mock.info.webhook_key}/crm/v1/entities/deals`)
    assert.equal(request.header('authorization'), undefined)
    assert.equal(client.tokens(), null)
    assert.ok(!client.baseUrl.includes(mock.info.webhook_key), client.baseUrl)
    assert.ok(!inspect(client).includes(mock.info.webhook_key))
  })
})

describe('token provider', () => {
  test('provider token is sent', async () => {
    const issued = await mock.tokens()
    const requests = []
    const client = new Uspacy({
      baseUrl: mock.baseUrl,
      credentials: {
        tokenProvider: (request) => {
          requests.push(request)
          return issued.access_token
        },
      },
    })

    await client.crm.items.list('deals', { list: 1 })

    assert.deepEqual(requests, [{ rejected: false }])
    const recorded = await mock.requests()
    assert.deepEqual(
      recorded.map((request) => `${request.method} ${request.path}`),
      ['GET /crm/v1/entities/deals'],
    )
    assert.equal(recorded[0].header('authorization'), `Bearer ${issued.access_token}`)
  })

  test('rejected token asks the provider again', async () => {
    const issued = await mock.tokens()
    const requests = []
    const client = new Uspacy({
      baseUrl: mock.baseUrl,
      credentials: {
        tokenProvider: async ({ rejected }) => {
          requests.push(rejected)
          return rejected ? issued.access_token : withBadSignature(issued.access_token)
        },
      },
    })

    const page = await client.crm.items.list('deals', { list: 1 })

    assert.equal(page.data.length, 1)
    assert.deepEqual(requests, [false, true])
    assert.equal((await requestsTo('POST', '/auth/v1/auth/refresh_token')).length, 0)
  })

  test('throwing provider fails the call', async () => {
    const client = new Uspacy({
      baseUrl: mock.baseUrl,
      credentials: {
        tokenProvider: () => {
          throw new Error('vault is sealed')
        },
      },
    })

    await assert.rejects(client.crm.items.list('deals'), (error) => {
      assert.ok(error instanceof ConfigError, error)
      assert.match(error.message, /the tokenProvider failed: vault is sealed/)
      return true
    })
    assert.equal((await mock.requests()).length, 0)
  })

  test('provider without a string fails the call', async () => {
    const client = new Uspacy({ baseUrl: mock.baseUrl, credentials: { tokenProvider: async () => 42 } })

    await assert.rejects(client.crm.items.list('deals'), /must resolve with the access token as a string/)
  })

  test('provider that is not a function', () => {
    assert.throws(
      () => new Uspacy({ baseUrl: mock.baseUrl, credentials: { tokenProvider: 'token' } }),
      (error) => error instanceof ConfigError && /tokenProvider must be a function/.test(error.message),
    )
  })
})

describe('refresh', () => {
  test('a refresh running at close() is not reported', async () => {
    const issued = await mock.tokens(-5)
    const pairs = []
    const client = new Uspacy({
      baseUrl: mock.baseUrl,
      credentials: { accessToken: issued.access_token, refreshToken: issued.refresh_token },
      onTokens: (pair) => pairs.push(pair),
    })
    await mock.fault({ route: 'POST /auth/v1/auth/refresh_token', kind: 'latency', latency_ms: 300, times: 1 })

    const call = client.crm.items.list('deals', { list: 1 })
    await new Promise((resolve) => setTimeout(resolve, 100))
    client.close()
    const page = await call

    assert.ok(page.data.length > 0)
    assert.equal((await requestsTo('POST', '/auth/v1/auth/refresh_token')).length, 1)
    assert.deepEqual(pairs, [])
  })

  test('expired access token is refreshed first', async () => {
    const issued = await mock.tokens(-5)
    const pairs = []
    const client = new Uspacy({
      baseUrl: mock.baseUrl,
      credentials: { accessToken: issued.access_token, refreshToken: issued.refresh_token },
      onTokens: (pair) => pairs.push(pair),
    })

    await client.crm.items.list('deals', { list: 1 })

    const requests = await mock.requests()
    assert.deepEqual(
      requests.map((request) => `${request.method} ${request.path}`),
      ['POST /auth/v1/auth/refresh_token', 'GET /crm/v1/entities/deals'],
    )
    assert.equal(requests[0].header('authorization'), `Bearer ${issued.refresh_token}`)
    await waitFor(() => pairs.length === 1)
    assert.notEqual(pairs[0].accessToken, issued.access_token)
    assert.equal(requests[1].header('authorization'), `Bearer ${pairs[0].accessToken}`)
  })

  test('50 concurrent calls with expired token refresh once', async () => {
    const issued = await mock.tokens(-5)
    const client = new Uspacy({
      baseUrl: mock.baseUrl,
      credentials: { accessToken: issued.access_token, refreshToken: issued.refresh_token },
    })

    const pages = await Promise.all(Array.from({ length: 50 }, (_, index) => client.crm.items.list('deals', { page: index + 1, list: 1 })))

    assert.equal(pages.length, 50)
    assert.equal((await requestsTo('POST', '/auth/v1/auth/refresh_token')).length, 1)
    assert.equal((await requestsTo('GET', '/crm/v1/entities/deals')).length, 50)
  })

  test('50 concurrent 401 answers refresh once', async () => {
    const issued = await mock.tokens()
    // A token the client reads as valid (exp in the future) and the
    // portal rejects (bad signature), so every first attempt gets 401.
    const client = new Uspacy({
      baseUrl: mock.baseUrl,
      credentials: { accessToken: withBadSignature(issued.access_token), refreshToken: issued.refresh_token },
    })

    const pages = await Promise.all(Array.from({ length: 50 }, () => client.crm.items.list('deals', { list: 1 })))

    assert.equal(pages.length, 50)
    assert.equal((await requestsTo('POST', '/auth/v1/auth/refresh_token')).length, 1)
    // A call that starts after the refresh has finished sends the new token
    // at once, so each call makes one or two attempts, whatever the timing.
    const attempts = (await requestsTo('GET', '/crm/v1/entities/deals')).length
    assert.ok(attempts >= 51, `${attempts} attempts for 50 calls`)
    assert.ok(attempts <= 100, `${attempts} attempts for 50 calls`)
  })

  test('401 fault replays after one refresh', async () => {
    const client = new Uspacy(mock.passwordOptions())
    await client.authenticate()
    await mock.reset()
    await mock.fault({ route: 'GET /crm/v1/entities/deals', kind: 'expired_token', times: 1 })

    const page = await client.crm.items.list('deals', { list: 1 })

    assert.equal(page.data.length, 1)
    assert.equal((await requestsTo('POST', '/auth/v1/auth/refresh_token')).length, 1)
    assert.equal((await requestsTo('GET', '/crm/v1/entities/deals')).length, 2)
  })

  test('refresh() returns the new pair', async () => {
    const client = new Uspacy(mock.passwordOptions())
    await client.authenticate()
    const before = client.tokens()

    const pair = await client.refresh()

    assert.notEqual(pair.accessToken, before.accessToken)
    assert.equal(client.tokens().accessToken, pair.accessToken)
    assert.equal(typeof pair.expiresAt, 'number')
  })

  test('rejected refresh token is SessionExpired', async () => {
    const issued = await mock.tokens(-5)
    const client = new Uspacy({
      baseUrl: mock.baseUrl,
      credentials: { accessToken: issued.access_token, refreshToken: 'not-a-refresh-token' },
    })

    await assert.rejects(client.crm.items.list('deals'), SessionExpired)
    assert.equal((await requestsTo('GET', '/crm/v1/entities/deals')).length, 0)
  })
})

/** `token` with one character of its signature changed. */
function withBadSignature(token) {
  const [header, claims, signature] = token.split('.')
  const middle = Math.floor(signature.length / 2)
  const swapped = signature[middle] === 'A' ? 'B' : 'A'
  return [header, claims, signature.slice(0, middle) + swapped + signature.slice(middle + 1)].join('.')
}

async function waitFor(condition, timeoutMs = 2000) {
  const started = Date.now()
  while (!condition()) {
    if (Date.now() - started > timeoutMs) {
      throw new Error('condition not met in time')
    }
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}
