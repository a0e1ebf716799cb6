// Measures how a large list result gets from the addon into JavaScript
// objects, against `JSON.parse` of the same bytes in plain JavaScript.
//
// Usage: node bench/convert.mjs
// For figures worth recording, build the addon in release mode first
// (`npm run build:release`). The bench uses whatever `native/` holds, or
// the file named by NAPI_RS_NATIVE_LIBRARY_PATH.
//
// Paths measured, each on a body kept in Rust memory as the core keeps a
// response:
//   utf-8 string  napi decodes the UTF-8 body into a JS string, JS calls JSON.parse
//   text          Rust converts to Latin-1 (ASCII body) or UTF-16, napi copies
//                 it into a JS string, JS calls JSON.parse (what `call` does;
//                 there the conversion runs off the JavaScript thread)
//   buffer        Rust hands over a Buffer, JS decodes it and calls JSON.parse
//   value         Rust parses with serde_json and builds the objects value by value

import os from 'node:os'
import { createRequire } from 'node:module'

import mockHelpers from '../test/helpers/mock.cjs'

const require = createRequire(import.meta.url)
const native = require('../native/binding.js')
const { Uspacy } = require('../index.js')

const ROUNDS = 40

function measure(run) {
  for (let round = 0; round < 5; round++) {
    run()
  }
  const times = []
  for (let round = 0; round < ROUNDS; round++) {
    const started = process.hrtime.bigint()
    run()
    times.push(Number(process.hrtime.bigint() - started) / 1e6)
  }
  times.sort((a, b) => a - b)
  return times[Math.floor(times.length / 2)]
}

async function measureAsync(run) {
  for (let round = 0; round < 3; round++) {
    await run()
  }
  const times = []
  for (let round = 0; round < ROUNDS; round++) {
    const started = process.hrtime.bigint()
    await run()
    times.push(Number(process.hrtime.bigint() - started) / 1e6)
  }
  times.sort((a, b) => a - b)
  return times[Math.floor(times.length / 2)]
}

/** Rewrites the page as PHP's `json_encode` writes it by default: `\u` escapes, ASCII only. */
function escaped(pageText) {
  return pageText.replace(/[\u0080-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/** Adds a ~600-byte Cyrillic note to every item of the page. */
function padded(pageText) {
  const page = JSON.parse(pageText)
  const note = 'Примітка до угоди: узгодити графік постачання та умови оплати. '.repeat(5)
  for (const item of page.data) {
    item.note = note
  }
  return JSON.stringify(page)
}

function report(label, body) {
  const bytes = Buffer.from(body, 'utf8')
  native.__benchLoad(bytes)
  const rows = [
    ['JSON.parse of a JS string (baseline)', measure(() => JSON.parse(body))],
    ['addon UTF-8 string + JSON.parse', measure(() => JSON.parse(native.__benchAsString()))],
    ['addon Latin-1/UTF-16 text + JSON.parse', measure(() => JSON.parse(native.__benchAsText()))],
    ['  the same, JavaScript thread only', measure(() => JSON.parse(native.__benchAsPreparedText()))],
    ['addon Buffer + toString + JSON.parse', measure(() => JSON.parse(native.__benchAsBuffer().toString('utf8')))],
    ['addon serde_json value by value', measure(() => native.__benchAsValue())],
  ]
  console.log(`\n${label}: ${(bytes.length / 1024).toFixed(0)} KiB, median of ${ROUNDS} runs`)
  for (const [name, ms] of rows) {
    console.log(`  ${name.padEnd(40)} ${ms.toFixed(2).padStart(8)} ms`)
  }
}

const mock = await mockHelpers.startMock()
try {
  const client = new Uspacy(mock.passwordOptions())
  await client.authenticate()
  const response = await fetch(`${mock.baseUrl}/crm/v1/entities/deals?list=1000`, {
    headers: { authorization: `Bearer ${client.tokens().accessToken}` },
  })
  const pageText = await response.text()

  console.log(`node ${process.version}, ${os.cpus()[0].model}, ${os.cpus().length} cores`)
  console.log(`addon: ${process.env.NAPI_RS_NATIVE_LIBRARY_PATH ?? 'native/ (as built)'}`)
  report('1000 deals from the mock', pageText)
  report('1000 deals with a note each', padded(pageText))
  report('1000 deals with a note each, \\u-escaped', escaped(padded(pageText)))

  const call = await measureAsync(() => client.crm.items.list('deals', { list: 1000 }))
  console.log(`\nwhole call crm.items.list(list: 1000) to the mock: ${call.toFixed(2)} ms (median)`)
  client.close()
} finally {
  await mock.stop()
}
