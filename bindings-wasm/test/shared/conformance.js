// Runs one case of tests/conformance/*.json (format in
// tests/conformance/README.md) against a mock portal. Shared by the Node.js
// suite and the browser suite, so it uses only fetch and the package API.

/** Builds the client a case describes, with the fast retry policy unless it overrides it. */
async function buildClient(Uspacy, mock, spec) {
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
        files: call.files.map((file) => ({ name: file.name, data: new TextEncoder().encode(file.text) })),
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
    return (
      Array.isArray(actual) &&
      expected.length === actual.length &&
      expected.every((item, index) => isSubset(item, actual[index]))
    )
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

function check(condition, message) {
  if (!condition) {
    throw new Error(message)
  }
}

function checkResult(expect, result) {
  if (expect.error === undefined) {
    check(result.error === undefined, `failed with ${result.error}, expected success`)
    if (expect.ok !== undefined && expect.ok !== true) {
      check(
        isSubset(expect.ok, result.value),
        `value ${JSON.stringify(result.value)} does not match ${JSON.stringify(expect.ok)}`,
      )
    }
    if (expect.items !== undefined) {
      check(result.value.length === expect.items, `streamed ${result.value.length} items, expected ${expect.items}`)
    }
    return
  }

  const { error } = result
  check(error, `succeeded with ${JSON.stringify(result.value)}, expected an error`)
  check(error.kind === expect.error.kind, `error kind ${error.kind}, expected ${expect.error.kind} (${error.name}: ${error.message})`)
  if (expect.error.status !== undefined) {
    check(error.status === expect.error.status, `status ${error.status}, expected ${expect.error.status}`)
  }
  for (const field of expect.error.field_errors ?? []) {
    check(field in error.fieldErrors, `no field error for ${field}: ${JSON.stringify(error.fieldErrors)}`)
  }
  if (expect.error.retry_after_s !== undefined) {
    check(error.retryAfter === expect.error.retry_after_s, `retryAfter ${error.retryAfter}, expected ${expect.error.retry_after_s}`)
  }
}

async function checkRequests(mock, expect) {
  // A browser's CORS preflights are recorded too; they are not calls.
  const recorded = (await mock.requests()).filter((request) => request.method !== 'OPTIONS')
  if (expect.request !== undefined) {
    const last = recorded.filter((request) => !request.path.startsWith('/auth/')).at(-1)
    check(last, 'no request was recorded')
    const expectedPath = expect.request.path.replace('{webhook_key}', mock.info.webhook_key)
    check(
      `${last.method} ${last.path}` === `${expect.request.method} ${expectedPath}`,
      `last request ${last.method} ${last.path}, expected ${expect.request.method} ${expectedPath}`,
    )
    if ('query' in expect.request) {
      check(last.query === expect.request.query, `query ${last.query}, expected ${expect.request.query}`)
    }
    if (expect.request.json !== undefined) {
      check(
        JSON.stringify(JSON.parse(last.body)) === JSON.stringify(expect.request.json),
        `body ${last.body}, expected ${JSON.stringify(expect.request.json)}`,
      )
    }
    for (const needle of expect.request.contains ?? []) {
      check(last.body.includes(needle), `body lacks ${needle}`)
    }
    for (const header of expect.request.no_header ?? []) {
      check(last.header(header) === undefined, `header ${header} was sent`)
    }
  }
  for (const [route, count] of Object.entries(expect.count ?? {})) {
    const actual =
      route === '*' ? recorded.length : recorded.filter((request) => `${request.method} ${request.path}` === route).length
    check(actual === count, `${route} seen ${actual} times, expected ${count}`)
  }
}

/**
 * Runs `testCase` with the package's `Uspacy` class against a fresh mock
 * (`mock` is a `MockControl`). Throws an `Error` naming the first mismatch.
 */
export async function runCase(Uspacy, mock, testCase) {
  const clientSpec = testCase.client ?? {}
  const client = await buildClient(Uspacy, mock, clientSpec)
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
  }
}
