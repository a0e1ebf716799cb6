// Sign-in, refresh, token hooks, token storage and token providers in
// Node.js (global fetch), against the mock portal.

import assert from 'node:assert/strict'
import { inspect } from 'node:util'
import { after, before, beforeEach, describe, test } from 'node:test'

import { ConfigError, SessionExpired, TokenPair, Unauthorized, Uspacy } from '../index.js'
import { MemoryStorage, startMock } from './helpers/mock.js'

const REFRESH = 'POST /auth/v1/auth/refresh_token'
const SIGN_IN = 'POST /auth/v1/auth/sign_in'
const DEALS = 'GET /crm/v1/entities/deals'

let mock

before(async () => {
  mock = await startMock(['--deals', '30'])
})

after(async () => {
  await mock.stop()
})

beforeEach(async () => {
  await mock.reset()
})

/** Options for a client that starts from an expired token pair. */
async function expiredOptions(extra = {}) {
  const issued = await mock.tokens(-10)
  return {
    baseUrl: mock.baseUrl,
    credentials: { accessToken: issued.access_token, refreshToken: issued.refresh_token },
    retry: { initialBackoff: 0.01, maxBackoff: 0.05 },
    ...extra,
  }
}

describe('sign-in', () => {
  test('password sign-in happens once, at the first call', async () => {
    const client = new Uspacy(mock.passwordOptions())
    assert.equal(client.tokens(), null)
    const me = await client.users.me.get()
    assert.equal(typeof me, 'object')
    await client.crm.items.list('deals', { list: 1 })
    assert.equal(await mock.count(SIGN_IN), 1)
    const pair = client.tokens()
    assert.ok(pair instanceof TokenPair)
    assert.ok(pair.accessToken.length > 20)
    assert.ok(pair.expiresAt > Date.now() / 1000)
  })

  test('app credentials sign in with app_sign_in', async () => {
    const client = new Uspacy({
      baseUrl: mock.baseUrl,
      credentials: { clientId: mock.info.client_id, clientSecret: mock.info.client_secret },
    })
    await client.authenticate()
    assert.equal(await mock.count('POST /auth/v1/auth/app_sign_in'), 1)
  })

  test('wrong password raises Unauthorized and no refresh', async () => {
    const client = new Uspacy({ baseUrl: mock.baseUrl, credentials: { email: mock.info.email, password: 'wrong' } })
    await assert.rejects(client.authenticate(), (error) => error instanceof Unauthorized && error.status === 401)
    assert.equal(await mock.count(REFRESH), 0)
  })
})

describe('refresh', () => {
  test('twenty concurrent calls with an expired token share one refresh', async () => {
    const client = new Uspacy(await expiredOptions())
    const results = await Promise.all(Array.from({ length: 20 }, () => client.crm.items.list('deals', { list: 1 })))
    assert.equal(results.length, 20)
    assert.equal(await mock.count(REFRESH), 1)
    assert.equal(await mock.count(DEALS), 20)
  })

  test('a 401 refreshes once and replays the call', async () => {
    const issued = await mock.tokens(3600)
    const client = new Uspacy({
      baseUrl: mock.baseUrl,
      credentials: { accessToken: issued.access_token, refreshToken: issued.refresh_token },
    })
    await mock.fault({ route: DEALS, times: 1, kind: 'expired_token' })
    await client.crm.items.list('deals', { list: 1 })
    assert.equal(await mock.count(REFRESH), 1)
    assert.equal(await mock.count(DEALS), 2)
  })

  test('refresh() rotates the pair and reports it to onTokens', async () => {
    const seen = []
    const client = new Uspacy(mock.passwordOptions({ onTokens: (pair) => seen.push(pair) }))
    await client.authenticate()
    const before = client.tokens()
    const pair = await client.refresh()
    assert.ok(pair instanceof TokenPair)
    assert.notEqual(pair.refreshToken, before.refreshToken)
    assert.equal(seen.length, 2)
    assert.equal(seen[1].accessToken, pair.accessToken)
  })

  test('a rejected refresh token raises SessionExpired for every later call', async () => {
    const client = new Uspacy(await expiredOptions())
    await mock.fault({ route: REFRESH, kind: 'status', status: 401 })
    await assert.rejects(client.crm.items.list('deals'), SessionExpired)
    await assert.rejects(client.crm.items.list('deals'), SessionExpired)
    assert.equal(await mock.count(REFRESH), 1)
  })

  test('a throwing onTokens callback does not fail the call', async () => {
    const warnings = []
    const original = console.warn
    console.warn = (text) => warnings.push(String(text))
    try {
      const client = new Uspacy(
        mock.passwordOptions({
          onTokens: () => {
            throw new Error('disk full')
          },
        }),
      )
      await client.crm.items.list('deals', { list: 1 })
    } finally {
      console.warn = original
    }
    assert.ok(warnings.some((text) => text.includes('onTokens callback failed: disk full')), warnings.join('\n'))
  })
})

describe('token pair', () => {
  test('tokens stay out of inspect, String and the client', async () => {
    const client = new Uspacy(mock.passwordOptions())
    await client.authenticate()
    const pair = client.tokens()
    for (const text of [inspect(pair), String(pair), inspect(client), inspect(client, { showHidden: true })]) {
      assert.ok(!text.includes(pair.accessToken), text)
      assert.ok(!text.includes(pair.refreshToken), text)
    }
    assert.match(inspect(pair), /accessToken: '\*\*\*'/)
    assert.deepEqual(JSON.parse(JSON.stringify(pair)), {
      accessToken: pair.accessToken,
      refreshToken: pair.refreshToken,
      expiresAt: pair.expiresAt,
    })
    assert.ok(!inspect(client).includes(mock.info.password))
  })
})

describe('token storage', () => {
  test('the pair is stored per portal and a later client starts from it', async () => {
    const storage = new MemoryStorage()
    const first = new Uspacy(mock.passwordOptions({ tokenStorage: storage }))
    await first.authenticate()
    assert.equal(first.tokenStorageKey, `uspacy-web:tokens:${first.baseUrl}`)
    const stored = JSON.parse(storage.getItem(first.tokenStorageKey))
    assert.equal(stored.accessToken, first.tokens().accessToken)

    await mock.control('DELETE', 'requests')
    const second = new Uspacy({ baseUrl: mock.baseUrl, tokenStorage: storage })
    await second.crm.items.list('deals', { list: 1 })
    assert.equal(await mock.count(SIGN_IN), 0)
    assert.equal(await mock.count(REFRESH), 0)
    assert.equal(second.tokens().accessToken, stored.accessToken)
  })

  test('a client adopts the pair another client refreshed instead of refreshing again', async () => {
    const storage = new MemoryStorage()
    const options = await expiredOptions({ tokenStorage: storage })
    const first = new Uspacy(options)
    const second = new Uspacy(options)
    await first.crm.items.list('deals', { list: 1 })
    await second.crm.items.list('deals', { list: 1 })
    assert.equal(await mock.count(REFRESH), 1)
    assert.equal(second.tokens().accessToken, first.tokens().accessToken)
  })

  test('memory storage keeps nothing outside the client', async () => {
    const client = new Uspacy(mock.passwordOptions({ tokenStorage: 'memory' }))
    await client.authenticate()
    assert.equal(client.tokenStorageKey, undefined)
  })

  test('invalid tokenStorage values raise ConfigError', () => {
    assert.throws(() => new Uspacy(mock.passwordOptions({ tokenStorage: 'cookies' })), ConfigError)
    assert.throws(() => new Uspacy(mock.passwordOptions({ tokenStorage: { getItem() {} } })), ConfigError)
    // Node.js 20 has no localStorage.
    if (globalThis.localStorage === undefined) {
      assert.throws(
        () => new Uspacy(mock.passwordOptions({ tokenStorage: 'localStorage' })),
        (error) => error instanceof ConfigError && /has none/.test(error.message),
      )
    }
  })

  test('an unreadable stored entry is ignored with a warning', async () => {
    const storage = new MemoryStorage()
    const probe = new Uspacy({ baseUrl: mock.baseUrl, tokenStorage: storage })
    storage.setItem(probe.tokenStorageKey, '{not json')
    const warnings = []
    const original = console.warn
    console.warn = (text) => warnings.push(String(text))
    try {
      const client = new Uspacy(mock.passwordOptions({ tokenStorage: storage }))
      await client.crm.items.list('deals', { list: 1 })
    } finally {
      console.warn = original
    }
    assert.equal(await mock.count(SIGN_IN), 1)
    assert.ok(warnings.some((text) => text.includes('not readable')), warnings.join('\n'))
    assert.ok(!warnings.join('\n').includes('{not json'))
  })
})

describe('token provider', () => {
  test('the provider supplies the token and is asked again after a 401', async () => {
    const calls = []
    const client = new Uspacy({
      baseUrl: mock.baseUrl,
      credentials: {
        tokenProvider: async ({ rejected }) => {
          calls.push(rejected)
          return `Bearer ${(await mock.tokens(3600)).access_token}`
        },
      },
    })
    await client.crm.items.list('deals', { list: 1 })
    await mock.fault({ route: DEALS, times: 1, kind: 'expired_token' })
    await client.crm.items.list('deals', { list: 1 })
    assert.deepEqual(calls, [false, true])
    assert.equal(await mock.count(REFRESH), 0)
  })

  test('a failing provider raises ConfigError with its message', async () => {
    const client = new Uspacy({
      baseUrl: mock.baseUrl,
      credentials: {
        tokenProvider: () => {
          throw new Error('host page not ready')
        },
      },
    })
    await assert.rejects(client.crm.items.list('deals'), (error) => error instanceof ConfigError && /host page not ready/.test(error.message))
  })

  test('a provider that resolves with no string raises ConfigError', async () => {
    const client = new Uspacy({ baseUrl: mock.baseUrl, credentials: { tokenProvider: async () => 42 } })
    await assert.rejects(client.crm.items.list('deals'), ConfigError)
  })
})

describe('close', () => {
  test('calls after close() raise ConfigError', async () => {
    const client = new Uspacy(mock.passwordOptions())
    await client.authenticate()
    client.close()
    assert.equal(client.closed, true)
    await assert.rejects(client.crm.items.list('deals'), (error) => error instanceof ConfigError && /closed/.test(error.message))
  })

  test('a refresh that ends after close() neither stores nor reports its pair', async () => {
    const storage = new MemoryStorage()
    const seen = []
    const client = new Uspacy(await expiredOptions({ tokenStorage: storage, onTokens: (pair) => seen.push(pair) }))
    await mock.fault({ route: REFRESH, times: 1, kind: 'latency', latency_ms: 300 })
    const call = client.crm.items.list('deals', { list: 1 })
    await new Promise((resolve) => setTimeout(resolve, 100))
    // A sign-out: close the client and forget the stored pair.
    client.close()
    storage.removeItem(client.tokenStorageKey)

    await call
    assert.equal(await mock.count(REFRESH), 1)
    assert.equal(storage.getItem(client.tokenStorageKey), null)
    assert.deepEqual(seen, [])
  })
})

describe('stored pair', () => {
  test('expiresAt is stored as whole seconds after sign-in and after a refresh', async () => {
    const storage = new MemoryStorage()
    const client = new Uspacy(mock.passwordOptions({ tokenStorage: storage }))
    await client.authenticate()
    const signedIn = storage.getItem(client.tokenStorageKey)
    await client.refresh()
    const refreshed = storage.getItem(client.tokenStorageKey)

    for (const text of [signedIn, refreshed]) {
      assert.match(text, /"expiresAt":\d+[,}]/, text.replace(/"(accessToken|refreshToken)":"[^"]*"/g, '"$1":"***"'))
    }
  })
})
