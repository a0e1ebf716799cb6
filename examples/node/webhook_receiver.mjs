// Webhook receiver: an HTTP server for Uspacy outgoing-webhook calls that
// creates a follow-up task for the owner of every new deal.
//
// Usage:
//   node webhook_receiver.mjs [--host 127.0.0.1] [--port 8090] [--write]
//
// POST any path with a JSON body. The response to a call about a created deal
// is {"status": "created", "task_id": N, "deal_id": N}, and to other calls
// {"status": "ignored"}. The deal's owner is read through the API, not taken
// from the payload. A deal gets one task however often its call is delivered
// while the server runs. The first output line is "listening on URL".
import { createServer } from 'node:http'
import { parseArgs } from 'node:util'

import { UspacyError } from '../../bindings-node/index.mjs'
import { connect, fail, mayWrite } from './common.mjs'

const FOLLOW_UP_SECONDS = 24 * 60 * 60

const { values: args } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '8090' },
    write: { type: 'boolean', default: false },
  },
})
const port = Number(args.port)
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port ${args.port} is not a port number`)

// Returns the id of the created deal a call is about, or null for any other call.
// NOTE: the payload shape (event/action, entity/table_name, data.id) is an
// assumption: the mock portal stores outgoing webhooks but never calls them.
function newDealId(payload) {
  const action = payload.event ?? payload.action
  const entity = payload.entity ?? payload.table_name ?? payload.entity_code
  const data = payload.data && typeof payload.data === 'object' ? payload.data : {}
  const dealId = data.id ?? payload.entity_id
  if (action !== 'create' || entity !== 'deals' || dealId === undefined || dealId === null) return null
  return Number(dealId)
}

const { client, live } = connect()
const write = mayWrite(live, args.write)
// Deal id to the task id, or to the promise of it while the task is being created.
const handled = new Map()

async function handleNewDeal(dealId) {
  const deal = await client.crm.items.get('deals', dealId)
  const body = {
    title: `Зв'язатися з клієнтом щодо угоди «${deal.title ?? dealId}»`,
    body: `Нова угода #${dealId}: зателефонуйте клієнтові протягом доби.`,
    responsibleId: deal.owner,
    deadline: Math.floor(Date.now() / 1000) + FOLLOW_UP_SECONDS,
  }
  if (!write) {
    console.log(`plan: task for deal=${dealId} owner=${deal.owner}`)
    return { status: 200, body: { status: 'planned', deal_id: dealId } }
  }
  const task = await client.tasks.create(body)
  console.log(`task created: id=${task.id} deal=${dealId} owner=${deal.owner}`)
  return { status: 201, body: { status: 'created', task_id: task.id, deal_id: dealId } }
}

function respond(response, status, body) {
  const data = JSON.stringify(body)
  response.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) })
  response.end(data)
}

const server = createServer((request, response) => {
  if (request.method !== 'POST') return respond(response, 405, { status: 'invalid', error: 'only POST is accepted' })
  const chunks = []
  request.on('data', (chunk) => chunks.push(chunk))
  request.on('end', async () => {
    let dealId
    try {
      const text = Buffer.concat(chunks).toString('utf8')
      const payload = JSON.parse(text || '{}')
      dealId = payload && typeof payload === 'object' ? newDealId(payload) : null
    } catch (error) {
      return respond(response, 400, { status: 'invalid', error: `the body is not a webhook call: ${error.message}` })
    }
    if (dealId === null) return respond(response, 200, { status: 'ignored' })

    const known = handled.get(dealId)
    if (known !== undefined) {
      const taskId = await known
      if (taskId !== null) {
        console.log(`task exists: id=${taskId} deal=${dealId}`)
        return respond(response, 200, { status: 'exists', task_id: taskId, deal_id: dealId })
      }
    }
    const pending = handleNewDeal(dealId)
    // Concurrent calls for the same deal wait for this one; null lets a later call retry.
    handled.set(dealId, pending.then((result) => result.body.task_id ?? null, () => null))
    try {
      const result = await pending
      if (result.body.task_id === undefined) handled.delete(dealId)
      respond(response, result.status, result.body)
    } catch (error) {
      handled.delete(dealId)
      const message = error instanceof UspacyError ? error.message : String(error)
      console.log(`error: handling deal=${dealId} failed: ${message}`)
      respond(response, 502, { status: 'failed', deal_id: dealId, error: message })
    }
  })
})

server.listen(port, args.host, () => {
  const address = server.address()
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  console.log(`listening on http://${host}:${address.port}`)
})

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    server.close()
    client.close()
  })
}
