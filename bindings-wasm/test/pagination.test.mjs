// `for await` over every item of a list, page by page.

import assert from 'node:assert/strict'
import { after, before, beforeEach, test } from 'node:test'

import { NotFound, Uspacy } from '../index.js'
import { taskCounts } from '../lib/runtime.js'
import { startMock } from './helpers/mock.js'

const DEALS = 'GET /crm/v1/entities/deals'

let mock
let client

before(async () => {
  mock = await startMock(['--deals', '5000'])
  client = new Uspacy(mock.passwordOptions())
  await client.authenticate()
})

after(async () => {
  await mock.stop()
})

beforeEach(async () => {
  await mock.reset()
})

test('for await visits all 5,000 deals once each', async () => {
  const ids = new Set()
  let count = 0
  for await (const deal of client.crm.items.iter('deals', { list: 100 })) {
    ids.add(deal.id)
    count += 1
  }
  assert.equal(count, 5000)
  assert.equal(ids.size, 5000)
  assert.equal(await mock.count(DEALS), 50)
  assert.deepEqual(taskCounts().module, 0)
})

test('leaving the loop early sends no further request', async () => {
  let seen = 0
  for await (const deal of client.crm.items.iter('deals', { list: 10 })) {
    assert.ok(deal.id)
    seen += 1
    if (seen === 15) {
      break
    }
  }
  assert.equal(await mock.count(DEALS), 2)
})

test('nothing is sent before the first item is asked for', async () => {
  const iterator = client.crm.items.iter('deals', { list: 10 })
  await new Promise((resolve) => setTimeout(resolve, 50))
  assert.equal(await mock.count(DEALS), 0)
  const first = await iterator.next()
  assert.equal(first.done, false)
  await iterator.return()
})

test('an error on a later page ends the loop with its class', async () => {
  let seen = 0
  await mock.fault({ route: DEALS, kind: 'status', status: 404 })
  await assert.rejects(async () => {
    for await (const deal of client.paginate('crm.items.list', { pathParams: { entity_code: 'deals' }, query: { list: 10 } })) {
      seen += deal ? 1 : 0
    }
  }, NotFound)
  assert.equal(seen, 0)
})
