// Calls through the generated namespaces: what the mock portal recorded
// (method, path, query, body) and what the call returned.

import assert from 'node:assert/strict'
import { after, before, beforeEach, describe, test } from 'node:test'

import { ApiError, ConfigError, NotFound, Uspacy } from '../index.mjs'
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

/** Returns the only recorded request, and fails when there is not exactly one. */
async function onlyRequest() {
  const requests = await mock.requests()
  assert.equal(requests.length, 1, requests.map((request) => `${request.method} ${request.path}`).join(', '))
  return requests[0]
}

describe('generated namespaces', () => {
  test('list sends page, list and camelCase options', async () => {
    const page = await client.crm.items.list('deals', {
      page: 2,
      list: 3,
      booleanOperator: 'AND',
      sortBy: { created_at: 'desc' },
      owner: [1, 2],
      ignored: undefined,
    })

    const request = await onlyRequest()
    assert.equal(request.method, 'GET')
    assert.equal(request.path, '/crm/v1/entities/deals')
    assert.equal(request.params.get('page'), '2')
    assert.equal(request.params.get('list'), '3')
    assert.equal(request.params.get('boolean_operator'), 'AND')
    assert.equal(request.params.get('sort_by[created_at]'), 'desc')
    assert.deepEqual(request.params.getAll('owner[]'), ['1', '2'])
    assert.equal(request.params.has('ignored'), false)
    assert.equal(request.params.has('booleanOperator'), false)
    assert.equal(page.data.length, 3)
    assert.equal(page.meta.current_page, 2)
  })

  test('smart filter is bracket-encoded', async () => {
    const filters = {
      condition: 'and',
      filters: [{ field: 'owner', operator: 'eq', values: [3] }],
    }

    const page = await client.crm.items.list('deals', { list: 100, filters })

    const request = await onlyRequest()
    assert.equal(request.params.get('filters[condition]'), 'and')
    assert.equal(request.params.get('filters[filters][0][field]'), 'owner')
    assert.equal(request.params.get('filters[filters][0][operator]'), 'eq')
    assert.equal(request.params.get('filters[filters][0][values][0]'), '3')
    assert.ok(request.query.includes('filters%5B') || request.query.includes('filters['), request.query)
    assert.ok(page.data.length > 0)
    assert.ok(page.data.every((deal) => deal.owner === 3))
    assert.ok(page.meta.total < 5000, `total ${page.meta.total}`)
  })

  test('create, get, update and delete a deal', async () => {
    const created = await client.crm.items.create('deals', {
      title: 'Постачання обладнання',
      uf_crm_1716200002: 'expo',
    })
    assert.equal(typeof created.id, 'number')

    const fetched = await client.crm.items.get('deals', created.id)
    const updated = await client.crm.items.update('deals', created.id, { title: 'Оновлено' })
    await client.crm.items.delete('deals', created.id)
    await assert.rejects(client.crm.items.get('deals', created.id), NotFound)

    assert.equal(fetched.title, 'Постачання обладнання')
    assert.equal(fetched.uf_crm_1716200002, 'expo')
    assert.equal(updated.title, 'Оновлено')
    const requests = await mock.requests()
    assert.deepEqual(
      requests.map((request) => `${request.method} ${request.path}`),
      [
        'POST /crm/v1/entities/deals',
        `GET /crm/v1/entities/deals/${created.id}`,
        `PATCH /crm/v1/entities/deals/${created.id}`,
        `DELETE /crm/v1/entities/deals/${created.id}`,
        `GET /crm/v1/entities/deals/${created.id}`,
      ],
    )
    assert.deepEqual(JSON.parse(requests[0].body), { title: 'Постачання обладнання', uf_crm_1716200002: 'expo' })
    assert.equal(requests[0].header('content-type'), 'application/json')
    assert.deepEqual(JSON.parse(requests[2].body), { title: 'Оновлено' })
  })

  test('results are plain objects and arrays', async () => {
    const page = await client.crm.items.list('deals', { list: 2 })

    assert.equal(Object.getPrototypeOf(page), Object.prototype)
    assert.ok(Array.isArray(page.data))
    assert.equal(Object.getPrototypeOf(page.data[0]), Object.prototype)
    assert.equal(typeof page.data[0].title, 'string')
  })

  test('path parameter is one encoded segment', async () => {
    await assert.rejects(client.crm.items.get('deals/../users', 'a?b'), NotFound)

    const request = await onlyRequest()
    assert.equal(request.path, '/crm/v1/entities/deals%2F..%2Fusers/a%3Fb')
    assert.equal(request.query, null)
  })

  test('multipart upload keeps a Cyrillic file name', async () => {
    const content = Buffer.from('%PDF-1.4\n% test document\n')

    const result = await client.files.upload({
      files: [{ name: 'Договір №5.pdf', data: content, contentType: 'application/pdf' }],
      fields: { entityType: 'deals', entityId: 1 },
    })

    const request = await onlyRequest()
    assert.equal(request.method, 'POST')
    assert.equal(request.path, '/files/v1/files')
    assert.match(request.header('content-type'), /^multipart\/form-data; boundary=/)
    assert.ok(
      request.body.includes('Content-Disposition: form-data; name="files[]"; filename="Договір №5.pdf"'),
      request.body,
    )
    assert.ok(request.body.includes('Content-Type: application/pdf'))
    assert.ok(request.body.includes('name="entityType"\r\n\r\ndeals\r\n'))
    assert.ok(request.body.includes('name="entityId"\r\n\r\n1\r\n'))
    assert.ok(request.body.includes('% test document'))
    assert.equal(result.data.length, 1)
    assert.equal(result.data[0].originalFilename, 'Договір №5.pdf')
    assert.equal(result.data[0].size, content.length)
  })

  test('upload with Uint8Array and explicit field', async () => {
    await client.files.upload({
      files: [{ name: 'a.txt', data: new Uint8Array([104, 105]), field: 'files[0]' }],
      fields: { entityType: 'deals', entityId: '2' },
    })

    const request = await onlyRequest()
    assert.ok(request.body.includes('name="files[0]"; filename="a.txt"'), request.body)
    assert.ok(request.body.includes('Content-Type: application/octet-stream\r\n\r\nhi\r\n'))
  })

  test('invalid upload is a ConfigError', async () => {
    await assert.rejects(client.files.upload({ files: [{ name: 'a.txt', data: 'text' }] }), ConfigError)
    await assert.rejects(client.files.upload({ files: 'a.txt' }), ConfigError)
    await assert.rejects(client.files.upload(undefined), ConfigError)
    assert.equal((await mock.requests()).length, 0)
  })

  test('messenger message create sends the JSON body', async () => {
    const message = { chatId: 'chat-1', message: 'Привіт, світ', type: 'text' }

    // Only the request matters here: depending on its version the mock
    // stores the message or has no messenger route (404).
    const outcome = await client.messenger.messages.create(message).catch((error) => error)
    assert.ok(!(outcome instanceof Error) || outcome instanceof ApiError, String(outcome))

    const request = await onlyRequest()
    assert.equal(request.method, 'POST')
    assert.equal(request.path, '/messenger/v1/messages')
    assert.deepEqual(JSON.parse(request.body), message)
    assert.match(request.header('authorization'), /^Bearer /)
  })

  test('iter on a namespace with options mapping', async () => {
    const seen = []
    for await (const entity of client.crm.entities.iter({ withFunnels: true })) {
      seen.push(entity)
    }

    assert.ok(seen.length > 0)
    const [request] = await mock.requests()
    assert.equal(request.path, '/crm/v1/entity')
    // The core sends booleans as PHP does: 1 and 0.
    assert.equal(request.params.get('with-funnels'), '1')
  })
})

describe('call by operation id', () => {
  test('call sends wire names', async () => {
    const deal = await client.call('crm.items.get', { pathParams: { entity_code: 'deals', id: 1 }, query: { x_trace: 'a b' } })

    const request = await onlyRequest()
    assert.equal(request.path, '/crm/v1/entities/deals/1')
    assert.equal(request.params.get('x_trace'), 'a b')
    assert.equal(deal.id, 1)
  })

  test('unknown operation is a ConfigError', async () => {
    await assert.rejects(client.call('crm.items.nope'), (error) => {
      assert.ok(error instanceof ConfigError)
      assert.match(error.message, /unknown operation `crm\.items\.nope`/)
      return true
    })
  })

  test('a query parameter under both of its names is a ConfigError', async () => {
    const before = (await mock.requests()).length
    await assert.rejects(client.crm.items.list('deals', { sortBy: { amount: 'desc' }, sort_by: { id: 'asc' } }), (error) => {
      assert.ok(error instanceof ConfigError)
      assert.match(error.message, /query parameter `sort_by` is given twice/)
      return true
    })
    assert.equal((await mock.requests()).length, before)
  })

  test('missing path parameter is a ConfigError', async () => {
    await assert.rejects(client.crm.items.get('deals'), (error) => {
      assert.ok(error instanceof ConfigError)
      assert.match(error.message, /missing path parameter `id`/)
      return true
    })
    assert.equal((await mock.requests()).length, 0)
  })

  test('object as path parameter is a ConfigError', async () => {
    await assert.rejects(client.crm.items.list({ page: 1 }), ConfigError)
  })

  test('query that is not an object is a ConfigError', async () => {
    await assert.rejects(client.crm.items.list('deals', 'page=1'), ConfigError)
  })

  test('body that JSON cannot hold is a ConfigError', async () => {
    await assert.rejects(client.crm.items.create('deals', { amount: 10n }), ConfigError)
    const cyclic = {}
    cyclic.self = cyclic
    await assert.rejects(client.crm.items.create('deals', cyclic), ConfigError)
    assert.equal((await mock.requests()).length, 0)
  })
})
