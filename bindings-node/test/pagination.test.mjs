// `for await` over the generated iterators, driven by the core's stream.

import assert from 'node:assert/strict'
import { after, before, beforeEach, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'

import { ConfigError, NotFound, Uspacy } from '../index.mjs'
import mockHelpers from './helpers/mock.cjs'

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

async function listRequests() {
  const requests = await mock.requests()
  return requests.filter((request) => request.path === '/crm/v1/entities/deals')
}

test('iterates all 5000 deals page by page', async () => {
  const ids = new Set()
  for await (const deal of client.crm.items.iter('deals', { list: 500 })) {
    ids.add(deal.id)
  }

  const { meta } = await client.crm.items.list('deals', { list: 1 })
  assert.ok(meta.total >= 5000, `total ${meta.total}`)
  assert.equal(ids.size, meta.total)
  const pages = (await listRequests()).filter((request) => request.params.get('list') === '500')
  assert.equal(pages.length, Math.ceil(meta.total / 500))
  assert.deepEqual(
    pages.map((request) => request.params.get('page')),
    pages.map((_, index) => String(index + 1)),
  )
})

test('stopping early fetches no further page', async () => {
  let first
  for await (const deal of client.crm.items.iter('deals', { list: 50 })) {
    first = deal
    break
  }
  await sleep(100)

  assert.equal(typeof first.id, 'number')
  assert.equal((await listRequests()).length, 1)
})

test('nothing is sent before the first item is asked for', async () => {
  const iterator = client.crm.items.iter('deals', { list: 10 })
  await sleep(50)

  assert.equal((await listRequests()).length, 0)
  const { value } = await iterator.next()
  await iterator.return()
  assert.equal(typeof value.id, 'number')
  assert.equal((await listRequests()).length, 1)
})

test('page size bounds the fetches', async () => {
  let count = 0
  for await (const deal of client.crm.items.iter('deals', { list: 100, page: 3 })) {
    count += 1
    assert.ok(deal.id !== undefined)
    if (count === 150) {
      break
    }
  }

  const requests = await listRequests()
  assert.deepEqual(
    requests.map((request) => request.params.get('page')),
    ['3', '4'],
  )
})

test('smart filter applies to every page', async () => {
  const filters = { condition: 'and', filters: [{ field: 'owner', operator: 'eq', values: [2] }] }
  const owners = new Set()
  let count = 0
  for await (const deal of client.crm.items.iter('deals', { list: 20, filters })) {
    owners.add(deal.owner)
    count += 1
  }

  const { meta } = await client.crm.items.list('deals', { list: 1, filters })
  assert.deepEqual([...owners], [2])
  assert.equal(count, meta.total)
})

test('error on a later page ends the loop', async () => {
  const seen = []
  await assert.rejects(async () => {
    for await (const deal of client.crm.items.iter('deals', { list: 10 })) {
      seen.push(deal)
      if (seen.length === 1) {
        await mock.fault({ route: 'GET /crm/v1/entities/deals', kind: 'status', status: 404, times: 1 })
      }
    }
  }, NotFound)

  assert.equal(seen.length, 10)
})

test('generic paginate by operation id', async () => {
  let count = 0
  for await (const deal of client.paginate('crm.items.list', { pathParams: { entity_code: 'deals' }, query: { list: 1000 } })) {
    count += deal.id > 0 ? 1 : 0
  }

  assert.ok(count >= 5000)
})

test('paginate on an operation that does not page', async () => {
  await assert.rejects(async () => {
    for await (const item of client.paginate('crm.items.get', { pathParams: { entity_code: 'deals', id: 1 } })) {
      assert.fail(`unexpected item ${item}`)
    }
  }, ConfigError)
})

test('closed client ends iteration with ConfigError', async () => {
  const other = new Uspacy(mock.passwordOptions())
  other.close()

  await assert.rejects(async () => {
    for await (const deal of other.crm.items.iter('deals')) {
      assert.fail(`unexpected deal ${deal.id}`)
    }
  }, ConfigError)
})
