// Bulk import: create or update CRM companies from a CSV file, matched by
// the EDRPOU code in a custom field.
//
// Usage:
//   node bulk_import.mjs [CSV] [--edrpou-field CODE] [--dry-run] [--write] [--verbose]
//
// CSV columns: title, edrpou, city, phone, email. Any other column named after
// a company field code is sent as that field. For a list field the cell
// contains option titles (separated by ";"), which are mapped to option values
// through the field definitions.
import { readFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

import { connect, fail, mapTitles, mayWrite } from './common.mjs'

const DEFAULT_CSV = join(dirname(fileURLToPath(import.meta.url)), '..', 'data', 'companies.csv')
const BASE_COLUMNS = ['title', 'edrpou', 'city', 'phone', 'email']
const SHOWN_ACTIONS = 5

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'edrpou-field': { type: 'string', default: 'uf_crm_1716200003' },
    'dry-run': { type: 'boolean', default: false },
    write: { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
  },
})
const csvPath = positionals[0] ?? DEFAULT_CSV
const edrpouField = args['edrpou-field']

// Parses RFC 4180 CSV text (quoted cells, doubled quotes, CRLF or LF) into rows of cells.
function parseCsv(text) {
  const rows = []
  let row = []
  let cell = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++ } else if (ch === '"') quoted = false
      else cell += ch
    } else if (ch === '"') quoted = true
    else if (ch === ',') { row.push(cell); cell = '' } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++
      row.push(cell); rows.push(row); row = []; cell = ''
    } else cell += ch
  }
  if (cell !== '' || row.length > 0) { row.push(cell); rows.push(row) }
  return rows
}

function readRows(path) {
  const [header, ...lines] = parseCsv(readFileSync(path, 'utf8'))
  if (!header || lines.length === 0) fail(`${path} has no rows`)
  const missing = BASE_COLUMNS.filter((c) => !header.includes(c))
  if (missing.length > 0) fail(`${path} lacks the columns ${missing.join(', ')}`)
  return { header, rows: lines.map((cells) => Object.fromEntries(header.map((name, i) => [name, cells[i] ?? '']))) }
}

// Builds the company fields of one CSV row.
function companyBody(row, extraFields) {
  const body = { title: row.title, city: row.city, [edrpouField]: row.edrpou }
  if (row.phone) body.phone = [{ type: 'work', value: row.phone, main: true }]
  if (row.email) body.email = [{ type: 'work', value: row.email, main: true }]
  for (const [code, field] of Object.entries(extraFields)) {
    const cell = row[code] ?? ''
    if (field.type === 'list') {
      const options = new Map((field.values ?? []).map((o) => [o.title, o.value]))
      const values = mapTitles(options, cell.split(';'), code)
      body[code] = field.multiple ? values : (values[0] ?? null)
    } else {
      body[code] = cell
    }
  }
  return body
}

// Returns whether sending the body would change the stored company.
function differs(company, body) {
  for (const [key, value] of Object.entries(body)) {
    const stored = company[key]
    if (key === 'phone' || key === 'email') {
      if ((stored?.[0]?.value ?? '') !== value[0].value) return true
    } else if (JSON.stringify(stored ?? null) !== JSON.stringify(value)) {
      return true
    }
  }
  return false
}

const { header, rows } = readRows(csvPath)
const { client, live } = connect()
try {
  const write = mayWrite(live, args.write) && !args['dry-run']
  const fields = Object.fromEntries((await client.crm.fields.list('companies')).data.map((f) => [f.code, f]))
  if (!fields[edrpouField]) fail(`field ${edrpouField} not found among the fields of companies`)
  const extraFields = Object.fromEntries(header.filter((c) => !BASE_COLUMNS.includes(c) && fields[c]).map((c) => [c, fields[c]]))

  // One pass over every company, a page at a time, keeps only the EDRPOU index.
  const byEdrpou = new Map()
  for await (const company of client.crm.items.iter('companies', { list: 100 })) {
    const code = company[edrpouField]
    if (!code) continue
    const kept = { id: company.id, title: company.title, city: company.city, phone: company.phone, email: company.email, [edrpouField]: code }
    for (const extra of Object.keys(extraFields)) kept[extra] = company[extra]
    byEdrpou.set(String(code), kept)
  }
  console.log(`read ${byEdrpou.size} companies with an EDRPOU code; ${rows.length} rows in ${basename(csvPath)}`)

  const counts = { create: 0, update: 0, unchanged: 0 }
  let shown = 0
  for (const [index, row] of rows.entries()) {
    if (!/^\d{8}$/.test(row.edrpou)) fail(`line ${index + 2}: EDRPOU ${JSON.stringify(row.edrpou)} is not 8 digits`)
    const body = companyBody(row, extraFields)
    const existing = byEdrpou.get(row.edrpou)
    const action = !existing ? 'create' : differs(existing, body) ? 'update' : 'unchanged'
    counts[action]++

    if (action !== 'unchanged' && (args.verbose || shown < SHOWN_ACTIONS)) {
      const target = existing ? `id=${existing.id} ` : ''
      console.log(`${write ? 'done' : 'plan'}: ${action} ${target}edrpou=${row.edrpou} ${row.title}`)
      shown++
    }
    if (!write || action === 'unchanged') continue
    if (action === 'create') {
      byEdrpou.set(row.edrpou, await client.crm.items.create('companies', body))
    } else {
      await client.crm.items.update('companies', existing.id, body)
    }
  }

  const hidden = counts.create + counts.update - shown
  if (hidden > 0) console.log(`... ${hidden} more actions (--verbose lists them)`)
  console.log(`import ${write ? 'applied' : 'planned'}: create=${counts.create} update=${counts.update} unchanged=${counts.unchanged}`)
} finally {
  client.close()
}
