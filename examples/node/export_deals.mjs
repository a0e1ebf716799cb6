// Export: stream every deal of a funnel into a CSV file, page by page.
//
// Usage:
//   node export_deals.mjs --funnel ID --out FILE [--page-size N]
//
// Only one page of deals is in memory at a time, because the rows go to the
// file through a buffer that is written out at FLUSH_LENGTH characters. The
// progress bar goes to stderr.
import { closeSync, openSync, writeSync } from 'node:fs'

import { UspacyError } from '../../bindings-node/index.mjs'
import { connect, exitOnSdkError, fail, parseOptions, systemErrorText } from './common.mjs'

const COLUMNS = ['id', 'title', 'stage_id', 'stage', 'status', 'amount', 'currency', 'owner', 'created_at']
const BAR_WIDTH = 30
const FLUSH_LENGTH = 64 * 1024

const { values: args } = parseOptions({
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

// Writes text to a file with synchronous calls, so that a failed open or
// write ends the export with one error line, as in the Rust and Python versions.
class FileWriter {
  constructor(path) {
    this.path = path
    try {
      this.fd = openSync(path, 'w')
    } catch (error) {
      if (error.syscall === undefined) throw error
      fail(`cannot create ${path}: ${systemErrorText(error)}`)
    }
    this.chunks = []
    this.length = 0
  }

  write(text) {
    this.chunks.push(text)
    this.length += text.length
    if (this.length >= FLUSH_LENGTH) this.flush()
  }

  flush() {
    const bytes = Buffer.from(this.chunks.join(''), 'utf8')
    this.chunks = []
    this.length = 0
    try {
      // writeSync may write fewer bytes than given.
      for (let offset = 0; offset < bytes.length;) offset += writeSync(this.fd, bytes, offset)
    } catch (error) {
      if (error.syscall === undefined) throw error
      fail(`writing ${this.path} failed: ${systemErrorText(error)}`)
    }
  }

  close() {
    this.flush()
    closeSync(this.fd)
  }
}

const { client } = connect()
try {
  const stages = new Map((await exitOnSdkError(`listing the stages of funnel ${funnelId}`,
    () => client.crm.kanbanStages.list('deals', { funnelId }))).data.map((s) => [s.id, s.title]))
  // A one-item page gives the total for the progress bar.
  const firstPage = await exitOnSdkError('reading the number of deals', () => client.crm.items.list('deals', { list: 1, funnelId }))
  const total = firstPage.meta.total
  const out = new FileWriter(args.out)
  out.write(COLUMNS.join(',') + '\n')
  let written = 0
  let drawn = 0
  try {
    for await (const deal of client.crm.items.iter('deals', { list: pageSize, funnelId })) {
      const amount = deal.amount ?? {}
      const line = [deal.id, deal.title, deal.kanban_stage_id, stages.get(deal.kanban_stage_id), deal.kanban_status,
        amount.value, amount.currency, deal.owner, deal.created_at].map(csvCell).join(',')
      out.write(line + '\n')
      written++
      if (written % pageSize === 0 || written === total) {
        drawProgress(written, Math.max(total, written), drawn)
        drawn = written
      }
    }
  } catch (error) {
    if (!(error instanceof UspacyError)) throw error
    fail(`listing the deals failed after ${written} deals: ${error.message}`)
  }
  out.close()
  if (process.stderr.isTTY) process.stderr.write('\n')
  console.log(`exported ${written} deals of funnel ${funnelId} to ${args.out}`)
} finally {
  client.close()
}
