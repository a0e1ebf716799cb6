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
import { basename, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

import { connect, exitOnSdkError, fail, mapTitles, mayWrite, optionsOf, parseOptions, readText } from './common.mjs'

const DEFAULT_CSV = join(dirname(fileURLToPath(import.meta.url)), '..', 'data', 'companies.csv')
const BASE_COLUMNS = ['title', 'edrpou', 'city', 'phone', 'email']
const SHOWN_ACTIONS = 5

const { values: args, positionals } = parseOptions({
  allowPositionals: true,
  options: {
    'edrpou-field': { type: 'string', default: 'uf_crm_1716200003' },
    'dry-run': { type: 'boolean', default: false },
    write: { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
  },
})
if (positionals.length > 1) fail(`unknown argument ${positionals[1]}`)
const csvPath = positionals[0] ?? DEFAULT_CSV
const edrpouField = args['edrpou-field']

// Parses CSV text in the RFC 4180 form into records { line, cells }, with
// the line each record starts on (from 1). Cells are separated by commas and
// records by CRLF or LF, and a cell in double quotes may contain commas, line
// breaks and doubled quotes. Blank lines are skipped and a quote inside an
// unquoted cell is kept as text, as Python's csv.DictReader does.
// Throws a SyntaxError naming the line for a quoted cell that is not closed
// or that has text after its closing quote.
function parseCsv(text) {
  const records = []
  let cells = []
  let cell = ''
  // Whether the current cell began with a quote, and whether that quote is still open.
  let quoted = false
  let inQuotes = false
  let line = 1
  let recordLine = 1
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    if (inQuotes) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"'
        i++
      } else if (ch === '"') {
        inQuotes = false
      } else {
        if (ch === '\n') line++
        cell += ch
      }
      continue
    }
    if (ch === ',') {
      cells.push(cell)
      cell = ''
      quoted = false
    } else if (ch === '\r' || ch === '\n') {
      if (ch === '\r' && text[i + 1] === '\n') i++
      if (cells.length > 0 || cell !== '' || quoted) {
        cells.push(cell)
        records.push({ line: recordLine, cells })
        cells = []
        cell = ''
      }
      quoted = false
      line++
      recordLine = line
    } else if (ch === '"' && cell === '' && !quoted) {
      quoted = true
      inQuotes = true
    } else if (quoted) {
      throw new SyntaxError(`line ${line}: unexpected text after the closing quote of a cell`)
    } else {
      cell += ch
    }
  }
  if (inQuotes) throw new SyntaxError(`line ${recordLine}: a quoted cell is not closed before the end of the file`)
  if (cells.length > 0 || cell !== '' || quoted) {
    cells.push(cell)
    records.push({ line: recordLine, cells })
  }
  return records
}

// Reads the CSV's header and its data rows as { line, cells: { column: cell } }.
// The header must name every base column, and each row must have as many
// cells as the header.
function readRows(path) {
  let text = readText(path)
  // Spreadsheet programs often start a UTF-8 CSV with a byte order mark.
  if (text.startsWith('\uFEFF')) text = text.slice(1)
  let records
  try {
    records = parseCsv(text)
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error
    fail(`${path}: ${error.message}`)
  }
  const header = records[0]?.cells ?? []
  const rows = records.slice(1).map((record) => {
    if (record.cells.length !== header.length) {
      fail(`${path}: line ${record.line}: ${record.cells.length} cells, but the header has ${header.length} columns`)
    }
    return { line: record.line, cells: Object.fromEntries(header.map((name, i) => [name, record.cells[i]])) }
  })
  if (rows.length === 0) fail(`${path} has no rows`)
  const missing = BASE_COLUMNS.filter((c) => !header.includes(c))
  if (missing.length > 0) fail(`${path} lacks the columns ${missing.join(', ')}`)
  return { header, rows }
}

// Builds the company fields of the CSV row that starts on `line`.
function companyBody(row, line, extraFields) {
  const body = { title: row.title, city: row.city, [edrpouField]: row.edrpou }
  if (row.phone) body.phone = [{ type: 'work', value: row.phone, main: true }]
  if (row.email) body.email = [{ type: 'work', value: row.email, main: true }]
  for (const [code, field] of Object.entries(extraFields)) {
    const cell = row[code] ?? ''
    if (field.type === 'list') {
      const values = mapTitles(optionsOf(field), cell.split(';'), code, `line ${line}: `)
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
  const fieldList = (await exitOnSdkError('listing the fields of companies', () => client.crm.fields.list('companies'))).data
  // A Map, so that a column named like an Object property (constructor) matches no field.
  const fields = new Map(fieldList.map((f) => [f.code, f]))
  if (!fields.has(edrpouField)) fail(`field ${edrpouField} not found among the fields of companies`)
  const extraFields = Object.fromEntries(header.filter((c) => !BASE_COLUMNS.includes(c) && fields.has(c)).map((c) => [c, fields.get(c)]))

  // Every row is checked before the first change, so a bad row leaves the
  // portal as it was.
  const bodies = rows.map(({ line, cells }) => {
    if (!/^\d{8}$/.test(cells.edrpou)) fail(`line ${line}: EDRPOU '${cells.edrpou}' is not 8 digits`)
    return companyBody(cells, line, extraFields)
  })

  // One pass over every company, a page at a time, keeps only the EDRPOU index.
  const byEdrpou = new Map()
  await exitOnSdkError('listing the companies', async () => {
    for await (const company of client.crm.items.iter('companies', { list: 100 })) {
      const code = company[edrpouField]
      if (!code) continue
      const snapshot = { id: company.id, title: company.title, city: company.city, phone: company.phone, email: company.email, [edrpouField]: code }
      for (const extra of Object.keys(extraFields)) snapshot[extra] = company[extra]
      byEdrpou.set(String(code), snapshot)
    }
  })
  console.log(`read ${byEdrpou.size} companies with an EDRPOU code; ${rows.length} rows in ${basename(csvPath)}`)

  const counts = { create: 0, update: 0, unchanged: 0 }
  let shown = 0
  for (const [index, { line, cells: row }] of rows.entries()) {
    const body = bodies[index]
    const existing = byEdrpou.get(row.edrpou)
    const action = !existing ? 'create' : differs(existing, body) ? 'update' : 'unchanged'
    counts[action]++
    if (action === 'unchanged') continue

    if (write && action === 'create') {
      const created = await exitOnSdkError(`creating the company of line ${line}`, () => client.crm.items.create('companies', body))
      // A later row with the same code is compared with this company.
      byEdrpou.set(row.edrpou, created)
    } else if (write) {
      await exitOnSdkError(`updating company ${existing.id} (line ${line})`, () => client.crm.items.update('companies', existing.id, body))
    }
    // Printed after the change, so a "done:" line means it was made.
    if (args.verbose || shown < SHOWN_ACTIONS) {
      const target = existing ? `id=${existing.id} ` : ''
      console.log(`${write ? 'done' : 'plan'}: ${action} ${target}edrpou=${row.edrpou} ${row.title}`)
      shown++
    }
  }

  const hidden = counts.create + counts.update - shown
  if (hidden > 0) console.log(`... ${hidden} more actions (--verbose lists them)`)
  console.log(`import ${write ? 'applied' : 'planned'}: create=${counts.create} update=${counts.update} unchanged=${counts.unchanged}`)
} finally {
  client.close()
}
