// A Rust panic traps the WebAssembly instance (wasm32 cannot unwind). The
// runtime must turn it into a `UspacyError`, settle the calls in flight,
// reset the module for new clients and report the old clients as unusable.

import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'

import { Uspacy, UspacyError } from '../index.js'
import { enter, runTask, taskCounts } from '../lib/runtime.js'
import { startMock } from './helpers/mock.js'

const DEALS = 'GET /crm/v1/entities/deals'

let mock
const escaped = []
const recordEscape = (error) => escaped.push(error)

before(async () => {
  mock = await startMock(['--deals', '10'])
  process.on('uncaughtException', recordEscape)
  process.on('unhandledRejection', recordEscape)
})

after(async () => {
  process.off('uncaughtException', recordEscape)
  process.off('unhandledRejection', recordEscape)
  await mock.stop()
})

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

function isReset(error) {
  return error instanceof UspacyError && error.kind === 'internal' && /create a new Uspacy client/.test(error.message)
}

test('a panic on the calling stack raises UspacyError and leaves the module usable', async () => {
  const client = new Uspacy(mock.passwordOptions())
  await client.authenticate()
  const generation = taskCounts().generation

  assert.throws(
    () => enter((glue) => glue.__panicForTesting()),
    (error) => {
      assert.ok(isReset(error), `${error.name}: ${error.message}`)
      assert.match(error.message, /test panic on the JavaScript thread/)
      return true
    },
  )
  assert.equal(taskCounts().generation, generation + 1)

  // The old client belongs to the stopped instance.
  await assert.rejects(client.crm.items.list('deals'), (error) => isReset(error) && /stopped/.test(error.message))
  assert.throws(() => client.tokens(), UspacyError)

  // A new client works on the fresh instance.
  const fresh = new Uspacy(mock.passwordOptions())
  const page = await fresh.crm.items.list('deals', { list: 3 })
  assert.equal(page.data.length, 3)
  assert.deepEqual(escaped, [])
})

test('a panic inside a task settles it and every call in flight', async () => {
  // A short request timeout: the stopped instance cannot clear its timers,
  // which keep Node.js running until they fire (and are ignored).
  const client = new Uspacy(mock.passwordOptions({ timeouts: { request: 2 } }))
  await client.authenticate()
  await mock.fault({ route: DEALS, times: 1, kind: 'latency', latency_ms: 300 })
  const inFlight = client.crm.items.list('deals')
  const iterator = client.crm.items.iter('deals', { list: 2 })
  assert.equal((await iterator.next()).done, false)
  await sleep(50)

  const outcome = await runTask((glue) => glue.__panicInTaskForTesting())
  assert.equal(outcome.error.kind, 'internal')
  assert.match(outcome.error.message, /test panic inside a task/)
  await assert.rejects(inFlight, isReset)
  // The second item comes from the page already fetched; the next page
  // would need the stopped instance.
  assert.equal((await iterator.next()).done, false)
  await assert.rejects(iterator.next(), isReset)

  // The delayed response reaches a callback of the stopped instance; it
  // must be ignored, not thrown.
  await sleep(600)
  assert.deepEqual(escaped, [])
  assert.equal(taskCounts().pending, 0)

  const fresh = new Uspacy(mock.passwordOptions())
  assert.equal((await fresh.crm.items.list('deals', { list: 1 })).data.length, 1)
  for await (const deal of fresh.crm.items.iter('deals', { list: 5 })) {
    assert.ok(deal.id)
  }
  assert.equal(taskCounts().module, 0)
})
