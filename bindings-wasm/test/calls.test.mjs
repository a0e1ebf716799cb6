// Calls through the generated namespaces and `call`: paths, queries,
// bodies and uploads, as the mock portal records them.

import assert from 'node:assert/strict'
import { after, before, beforeEach, describe, test } from 'node:test'

import { ConfigError, Uspacy, UspacyApi } from '../index.js'
import { startMock } from './helpers/mock.js'

let mock
let client

before(async () => {
  mock = await startMock(['--deals', '10'])
  client = new Uspacy(mock.passwordOptions())
  await client.authenticate()
})

after(async () => {
  await mock.stop()
})

beforeEach(async () => {
  await mock.reset()
})

/** Returns the last recorded request that is not under /auth/. */
async function lastRequest() {
  const recorded = await mock.requests()
  return recorded.filter((request) => !request.path.startsWith('/auth/')).at(-1)
}

describe('namespaces', () => {
  test('the client is a UspacyApi with the generated namespaces', () => {
    assert.ok(client instanceof UspacyApi)
    assert.equal(typeof client.crm.items.list, 'function')
    assert.equal(typeof client.crm.items.iter, 'function')
    assert.equal(client.crm, client.crm)
  })

  test('option names map to wire names and nested values use brackets', async () => {
    await client.crm.items.list('deals', {
      page: 1,
      list: 5,
      booleanOperator: 'AND',
      sortBy: { created_at: 'desc' },
      owner: [1, 2],
      skipped: undefined,
    })
    const request = await lastRequest()
    const params = new URLSearchParams(request.query)
    assert.equal(params.get('boolean_operator'), 'AND')
    assert.equal(params.get('sort_by[created_at]'), 'desc')
    assert.deepEqual(params.getAll('owner[]'), ['1', '2'])
    assert.equal(params.has('skipped'), false)
  })

  test('path parameters are sent as single encoded segments', async () => {
    await assert.rejects(client.crm.items.get('deals', '1/../2'))
    const request = await lastRequest()
    assert.equal(request.path, '/crm/v1/entities/deals/1%2F..%2F2')
  })

  test('a JSON body follows JSON.stringify: undefined keys dropped, dates as text', async () => {
    const created = await client.crm.items.create('deals', {
      title: 'Угода «Ромашка»',
      uf_crm_note: undefined,
      closes_at: new Date(Date.UTC(2026, 0, 2)),
    })
    assert.equal(created.title, 'Угода «Ромашка»')
    const request = await lastRequest()
    assert.deepEqual(JSON.parse(request.body), { title: 'Угода «Ромашка»', closes_at: '2026-01-02T00:00:00.000Z' })
  })

  test('results are plain objects and arrays, never Map', async () => {
    const page = await client.crm.items.list('deals', { list: 2 })
    assert.equal(Object.getPrototypeOf(page), Object.prototype)
    assert.ok(Array.isArray(page.data))
    assert.equal(Object.getPrototypeOf(page.data[0]), Object.prototype)
    assert.equal(page.data.length, 2)
    assert.ok(!(page.meta instanceof Map))
  })

  test('integers beyond 2^53 arrive as JSON.parse reads them', async () => {
    await mock.fault({
      route: 'GET /crm/v1/entities/deals/1',
      kind: 'respond',
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: '{"id": 9007199254740993, "big": [18446744073709551615, -9007199254740993], "small": 7}',
    })
    const deal = await client.crm.items.get('deals', 1)
    assert.deepEqual(deal, JSON.parse('{"id": 9007199254740993, "big": [18446744073709551615, -9007199254740993], "small": 7}'))
  })

  test('call() reaches any operation with wire names', async () => {
    const deal = await client.call('crm.items.get', { pathParams: { entity_code: 'deals', id: 1 } })
    assert.equal(deal.id, 1)
  })

  test('an empty body resolves with null', async () => {
    await mock.fault({ route: 'GET /crm/v1/entities/deals/1', kind: 'empty_body' })
    assert.equal(await client.crm.items.get('deals', 1), null)
  })
})

describe('uploads', () => {
  test('a Blob uploads with its Cyrillic file name and type', async () => {
    const content = 'Зміст договору'
    const blob = new Blob([content], { type: 'text/plain' })
    const uploaded = await client.files.upload({
      files: [{ name: 'Договір №5.txt', data: blob }],
      fields: { entityType: 'deals', entityId: 1 },
    })
    const file = uploaded.data?.[0] ?? uploaded[0] ?? uploaded
    assert.ok(file, JSON.stringify(uploaded))
    const request = await lastRequest()
    assert.ok(request.body.includes('filename="Договір №5.txt"'), request.body.slice(0, 400))
    assert.ok(request.body.includes('Content-Type: text/plain'))
    assert.ok(request.body.includes(content))
    assert.ok(request.body.includes('name="entityType"'))
  })

  test('a Uint8Array and an ArrayBuffer upload too', async () => {
    const bytes = new TextEncoder().encode('два файли')
    await client.files.upload({
      files: [
        { name: 'a.bin', data: bytes },
        { name: 'b.bin', data: bytes.buffer, contentType: 'application/pdf' },
      ],
      fields: { entityType: 'deals', entityId: 1 },
    })
    const request = await lastRequest()
    assert.equal(request.body.split('filename=').length - 1, 2)
    assert.ok(request.body.includes('Content-Type: application/pdf'))
  })

  test('invalid forms raise ConfigError before sending', async () => {
    const forms = [
      undefined,
      { files: 'x' },
      { files: [{ name: '', data: new Uint8Array(1) }] },
      { files: [{ name: 'a', data: 'text' }] },
      { files: [{ name: 'a', data: new Uint8Array(1), contentType: 5 }] },
      { files: [], fields: { a: { nested: true } } },
    ]
    for (const form of forms) {
      await assert.rejects(client.files.upload(form), ConfigError, JSON.stringify(form))
    }
    assert.equal((await mock.requests()).length, 0)
  })

  test('a JSON operation rejects a multipart body', async () => {
    await assert.rejects(
      client.call('crm.items.create', { pathParams: { entity_code: 'deals' }, multipart: { files: [] } }),
      ConfigError,
    )
  })
})
