// Export: stream every deal of a funnel into a CSV file, page by page.
//
// Usage:
//   node export_deals.mjs --funnel ID --out FILE [--page-size N]
//
// Only one page of deals is in memory at a time, because rows go to the file
// as they arrive and the loop waits whenever the file stream must drain. The
// progress bar goes to stderr.
import { createWriteStream } from 'node:fs'
import { once } from 'node:events'
import { parseArgs } from 'node:util'

import { connect, fail } from './common.mjs'

const COLUMNS = ['id', 'title', 'stage_id', 'stage', 'status', 'amount', 'currency', 'owner', 'created_at']
const BAR_WIDTH = 30

const { values: args } = parseArgs({
  options: {
    funnel: { type: 'string' },
    out: { type: 'string' },
    'page-size': { type: 'string', default: '100' },
  },
})
if (!args.funnel || !args.out) fail('usage: node export_deals.mjs --funnel ID --out FILE [--page-size N]')
const funnelId = Number(args.funnel)
const pageSize = Number(args['page-size'])
if (!Number.isInteger(funnelId)) fail(`--funnel ${args.funnel} is not an integer`)
if (!Number.isInteger(pageSize) || pageSize < 1) fail('--page-size must be at least 1')

function csvCell(value) {
  const text = value === undefined || value === null ? '' : String(value)
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

// Redraws the bar in place on a terminal; elsewhere prints a line per quarter done.
function drawProgress(done, total, previous) {
  const filled = total ? Math.floor((BAR_WIDTH * done) / total) : BAR_WIDTH
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${done}/${total}`
  if (process.stderr.isTTY) process.stderr.write(`\r${bar}`)
  else if (total && Math.floor((4 * done) / total) > Math.floor((4 * previous) / total)) process.stderr.write(`${bar}\n`)
}

const { client } = connect()
try {
  const stages = new Map((await client.crm.kanbanStages.list('deals', { funnelId })).data.map((s) => [s.id, s.title]))
  // A one-item page gives the total for the progress bar.
  const total = (await client.crm.items.list('deals', { list: 1, funnelId })).meta.total
  const out = createWriteStream(args.out, { encoding: 'utf8' })
  out.write(COLUMNS.join(',') + '\n')
  let written = 0
  let drawn = 0
  for await (const deal of client.crm.items.iter('deals', { list: pageSize, funnelId })) {
    const amount = deal.amount ?? {}
    const line = [deal.id, deal.title, deal.kanban_stage_id, stages.get(deal.kanban_stage_id), deal.kanban_status,
      amount.value, amount.currency, deal.owner, deal.created_at].map(csvCell).join(',')
    if (!out.write(line + '\n')) await once(out, 'drain')
    written++
    if (written % pageSize === 0 || written === total) {
      drawProgress(written, Math.max(total, written), drawn)
      drawn = written
    }
  }
  out.end()
  await once(out, 'finish')
  if (process.stderr.isTTY) process.stderr.write('\n')
  console.log(`exported ${written} deals of funnel ${funnelId} to ${args.out}`)
} finally {
  client.close()
}
