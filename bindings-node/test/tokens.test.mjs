// The onTokens callback, secrets kept out of output, per-instance state.

import assert from 'node:assert/strict'
import { once } from 'node:events'
import { after, before, beforeEach, test } from 'node:test'
import { format, inspect } from 'node:util'

import { TokenPair, Uspacy, UspacyError } from '../index.mjs'
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

test('onTokens throwing does not crash', async () => {
  const warning = once(process, 'warning')
  const client = new Uspacy(
    mock.passwordOptions({
      onTokens: () => {
        throw new Error('disk full')
      },
    }),
  )

  const page = await client.crm.items.list('deals', { list: 1 })
  const [emitted] = await warning

  assert.equal(page.data.length, 1)
  assert.equal(emitted.code, 'USPACY_ON_TOKENS_FAILED')
  assert.match(emitted.message, /the onTokens callback failed: disk full/)
  assert.equal((await client.crm.items.list('deals', { list: 1 })).data.length, 1)
  client.close()
})

test('onTokens rejecting does not crash', async () => {
  const warning = once(process, 'warning')
  const client = new Uspacy(mock.passwordOptions({ onTokens: async () => Promise.reject(new Error('offline store')) }))

  await client.authenticate()
  const [emitted] = await warning

  assert.match(emitted.message, /offline store/)
  client.close()
})

test('onTokens receives every new pair in order', async () => {
  const pairs = []
  const client = new Uspacy(mock.passwordOptions({ onTokens: (pair) => pairs.push(pair) }))

  await client.authenticate()
  const refreshed = await client.refresh()
  await waitFor(() => pairs.length === 2)

  assert.ok(pairs.every((pair) => pair instanceof TokenPair))
  assert.equal(pairs[1].accessToken, refreshed.accessToken)
  assert.notEqual(pairs[0].refreshToken, pairs[1].refreshToken)
  client.close()
})

test('tokens stay out of inspect and console output', async () => {
  const pairs = []
  const client = new Uspacy(mock.passwordOptions({ onTokens: (pair) => pairs.push(pair) }))
  await client.authenticate()
  await waitFor(() => pairs.length === 1)
  const tokens = client.tokens()

  const outputs = [
    inspect(client, { showHidden: true, depth: 10 }),
    inspect(tokens, { showHidden: true, depth: 10 }),
    inspect(pairs, { depth: 10 }),
    format('%o %O %s', client, tokens, tokens),
    String(tokens),
  ]

  const secrets = [tokens.accessToken, tokens.refreshToken, mock.info.password]
  for (const output of outputs) {
    for (const secret of secrets) {
      assert.ok(!output.includes(secret), `a secret is in: ${output}`)
    }
  }
  assert.match(inspect(tokens), /accessToken: '\*\*\*'/)
  assert.match(inspect(client), /baseUrl: 'http:\/\/127\.0\.0\.1:\d+\/'/)
  client.close()
})

test('JSON.stringify of a pair keeps the tokens for storage', async () => {
  const client = new Uspacy(mock.passwordOptions())
  await client.authenticate()
  const tokens = client.tokens()

  const stored = JSON.parse(JSON.stringify(tokens))

  assert.deepEqual(stored, {
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    expiresAt: tokens.expiresAt,
  })
  const resumed = new Uspacy({ baseUrl: mock.baseUrl, credentials: { accessToken: stored.accessToken, refreshToken: stored.refreshToken } })
  assert.equal((await resumed.crm.items.list('deals', { list: 1 })).data.length, 1)
  client.close()
  resumed.close()
})

test('client secret and webhook key stay out of errors', async () => {
  const app = new Uspacy({
    baseUrl: mock.baseUrl,
    credentials: { clientId: mock.info.client_id, clientSecret: 'wrong-secret-value' },
  })
  const appError = await app.authenticate().catch((error) => error)
  const hook = new Uspacy({ credentials: { webhookUrl: mock.info.webhook_url }, retry: { maxAttempts: 1 } })
  await mock.fault({ route: 'GET /crm/v1/entities/deals/*', kind: 'status', status: 500 })
  const hookError = await hook.crm.items.get('deals', 1).catch((error) => error)

  assert.ok(appError instanceof UspacyError)
  assert.ok(hookError instanceof UspacyError)
  for (const output of [inspect(appError), inspect(hookError), inspect(app), inspect(hook)]) {
    assert.ok(!output.includes('wrong-secret-value'), output)
    assert.ok(!output.includes(mock.info.webhook_key), output)
  }
  assert.match(hookError.url, /\/run\/\*\*\*\//)
})

test('two clients share nothing', async () => {
  const first = new Uspacy(mock.passwordOptions())
  const second = new Uspacy({
    baseUrl: mock.baseUrl,
    credentials: { clientId: mock.info.client_id, clientSecret: mock.info.client_secret },
  })

  await Promise.all([first.authenticate(), second.authenticate()])
  const before = second.tokens().accessToken
  await first.refresh()
  first.close()

  assert.notEqual(first.tokens(), second.tokens())
  assert.equal(second.tokens().accessToken, before)
  assert.equal((await second.crm.items.list('deals', { list: 1 })).data.length, 1)
  const requests = await mock.requests()
  const listing = requests.find((request) => request.method === 'GET')
  assert.equal(listing.header('authorization'), `Bearer ${before}`)
  second.close()
})

test('clients of two portals stay apart', async () => {
  const other = await mockHelpers.startMock(['--deals', '10'])
  try {
    const first = new Uspacy(mock.passwordOptions())
    const second = new Uspacy(other.passwordOptions())

    const [firstPage, secondPage] = await Promise.all([
      first.crm.items.list('deals', { list: 1 }),
      second.crm.items.list('deals', { list: 1 }),
    ])

    assert.ok(firstPage.meta.total >= 5000)
    assert.equal(secondPage.meta.total, 10)
    assert.notEqual(first.tokens().accessToken, second.tokens().accessToken)
    const otherRequests = await other.requests()
    assert.ok(otherRequests.every((request) => request.header('authorization') !== `Bearer ${first.tokens().accessToken}`))
    first.close()
    assert.equal((await second.crm.items.list('deals', { list: 1 })).data.length, 1)
    second.close()
  } finally {
    await other.stop()
  }
})

async function waitFor(condition, timeoutMs = 2000) {
  const started = Date.now()
  while (!condition()) {
    if (Date.now() - started > timeoutMs) {
      throw new Error('condition not met in time')
    }
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}
