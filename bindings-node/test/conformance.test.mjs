// Replays the cross-language conformance cases of tests/conformance/
// through the generic `call` and `paginate`. The case format is described
// in tests/conformance/README.md; the Rust core and every binding replay
// the same files.

import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { describe, test } from 'node:test'

import { Uspacy } from '../index.mjs'
import mockHelpers from './helpers/mock.cjs'

const CASES_DIR = path.join(mockHelpers.WORKSPACE_DIR, 'tests', 'conformance')

/** Builds the client a case describes, with the fast retry policy unless it overrides it. */
async function buildClient(mock, spec) {
  const retry = spec.retry ?? {}
  const seconds = (value, fallbackMs) => (value ?? fallbackMs) / 1000
  const options = {
    baseUrl: mock.baseUrl,
    retry: {
      maxAttempts: retry.max_attempts ?? 4,
      initialBackoff: seconds(retry.initial_backoff_ms, 10),
      maxBackoff: seconds(retry.max_backoff_ms, 50),
      maxRetryAfter: seconds(retry.max_retry_after_ms, 5000),
      maxElapsed: seconds(retry.max_elapsed_ms, 20000),
    },
    timeouts: { request: seconds(spec.request_timeout_ms, 30000) },
  }
  const demo = mock.info
  switch (spec.credentials ?? 'password') {
    case 'password':
      options.credentials = { email: demo.email, password: demo.password }
      break
    case 'wrong_password':
      options.credentials = { email: demo.email, password: 'not the password' }
      break
    case 'app':
      options.credentials = { clientId: demo.client_id, clientSecret: demo.client_secret }
      break
    case 'tokens': {
      const issued = await mock.tokens(3600)
      options.credentials = { accessToken: issued.access_token, refreshToken: issued.refresh_token }
      break
    }
    case 'expired_tokens': {
      const issued = await mock.tokens(-10)
      options.credentials = { accessToken: issued.access_token, refreshToken: issued.refresh_token }
      break
    }
    case 'access_token_only':
      options.credentials = { accessToken: (await mock.tokens(-10)).access_token }
      break
    case 'webhook':
      options.credentials = { webhookUrl: demo.webhook_url }
      break
    case 'none':
      break
    default:
      throw new Error(`unknown credentials kind ${spec.credentials}`)
  }
  return new Uspacy(options)
}

/** Makes the call of a case; resolves with `{value}` or `{error}`. */
async function makeCall(client, call) {
  try {
    if (call.paginate) {
      const items = []
      for await (const item of client.paginate(call.op, { pathParams: call.path, query: call.query })) {
        items.push(item)
      }
      return { value: items }
    }
    const request = { pathParams: call.path, query: call.query, body: call.body }
    if (call.files) {
      request.multipart = {
        files: call.files.map((file) => ({ name: file.name, data: Buffer.from(file.text, 'utf8') })),
        fields: call.fields,
      }
    }
    return { value: await client.call(call.op, request) }
  } catch (error) {
    return { error }
  }
}

/** Checks that `actual` has every key of `expected` with a matching value. */
function isSubset(expected, actual) {
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && expected.length === actual.length && expected.every((item, index) => isSubset(item, actual[index]))
  }
  if (expected !== null && typeof expected === 'object') {
    return (
      actual !== null &&
      typeof actual === 'object' &&
      !Array.isArray(actual) &&
      Object.entries(expected).every(([key, value]) => key in actual && isSubset(value, actual[key]))
    )
  }
  return Object.is(expected, actual) || (typeof expected === 'number' && expected === actual)
}

function checkResult(expect, result) {
  if (expect.error === undefined) {
    assert.equal(result.error, undefined, `failed with ${result.error}, expected success`)
    if (expect.ok !== undefined && expect.ok !== true) {
      assert.ok(isSubset(expect.ok, result.value), `value ${JSON.stringify(result.value)} does not match ${JSON.stringify(expect.ok)}`)
    }
    if (expect.items !== undefined) {
      assert.equal(result.value.length, expect.items)
    }
    return
  }

  const { error } = result
  assert.ok(error, `succeeded with ${JSON.stringify(result.value)}, expected an error`)
  assert.equal(error.kind, expect.error.kind, `error ${error.name}: ${error.message}`)
  if (expect.error.status !== undefined) {
    assert.equal(error.status, expect.error.status)
  }
  for (const field of expect.error.field_errors ?? []) {
    assert.ok(field in error.fieldErrors, `no field error for ${field}: ${JSON.stringify(error.fieldErrors)}`)
  }
  if (expect.error.retry_after_s !== undefined) {
    assert.equal(error.retryAfter, expect.error.retry_after_s)
  }
}

async function checkRequests(mock, expect) {
  const recorded = await mock.requests()
  if (expect.request !== undefined) {
    const last = recorded.filter((request) => !request.path.startsWith('/auth/')).at(-1)
    assert.ok(last, 'no request was recorded')
    const expectedPath = expect.request.path.replace('{webhook_key}', mock.info.webhook_key)
    assert.equal(`${last.method} ${last.path}`, `${expect.request.method} ${expectedPath}`)
    if ('query' in expect.request) {
      assert.equal(last.query, expect.request.query)
    }
    if (expect.request.json !== undefined) {
      assert.deepEqual(JSON.parse(last.body), expect.request.json)
    }
    for (const needle of expect.request.contains ?? []) {
      assert.ok(last.body.includes(needle), `body lacks ${needle}`)
    }
    for (const header of expect.request.no_header ?? []) {
      assert.equal(last.header(header), undefined, `header ${header} was sent`)
    }
  }
  for (const [route, count] of Object.entries(expect.count ?? {})) {
    const actual =
      route === '*'
        ? recorded.length
        : recorded.filter((request) => `${request.method} ${request.path}` === route).length
    assert.equal(actual, count, `${route} seen ${actual} times`)
  }
}

async function runCase(testCase) {
  const mock = await mockHelpers.startMock(['--deals', '120'])
  const clientSpec = testCase.client ?? {}
  const client = await buildClient(mock, clientSpec)
  try {
    if (['password', 'app', 'wrong_password'].includes(clientSpec.credentials ?? 'password')) {
      await client.authenticate().catch(() => {})
    }
    if (testCase.faults !== undefined) {
      await mock.fault(testCase.faults)
    }
    await mock.control('DELETE', 'requests')

    const concurrency = testCase.call.concurrency ?? 1
    const results = await Promise.all(Array.from({ length: concurrency }, () => makeCall(client, testCase.call)))

    for (const result of results) {
      checkResult(testCase.expect, result)
    }
    await checkRequests(mock, testCase.expect)
  } finally {
    client.close()
    await mock.stop()
  }
}

const files = fs
  .readdirSync(CASES_DIR)
  .filter((name) => name.endsWith('.json'))
  .sort()

test('conformance cases are present', () => {
  const total = files.reduce((sum, file) => sum + JSON.parse(fs.readFileSync(path.join(CASES_DIR, file), 'utf8')).length, 0)
  assert.ok(total >= 40, `only ${total} cases`)
})

for (const file of files) {
  const cases = JSON.parse(fs.readFileSync(path.join(CASES_DIR, file), 'utf8'))
  describe(file, () => {
    for (const testCase of cases) {
      test(testCase.name, { timeout: 60_000 }, () => runCase(testCase))
    }
  })
}
