// Shared pieces of the Node.js scenarios: the client from the environment,
// the write guard, the mapping of list-field option titles to values, the
// rounding of amounts, and the error messages that match those of the Rust
// and Python scenarios.
// The scenarios import the package from this repository; an application
// that installed it from npm imports 'uspacy' instead.
import { readFileSync } from 'node:fs'
import { constants } from 'node:os'
import { getSystemErrorMap, parseArgs } from 'node:util'

import { Uspacy, UspacyError } from '../../bindings-node/index.mjs'

export function fail(message) {
  console.error(`error: ${message}`)
  process.exit(1)
}

// Parses the command line with util.parseArgs, printing a rejected argument
// as one `error:` line instead of a stack trace.
export function parseOptions(config) {
  try {
    return parseArgs(config)
  } catch (error) {
    if (typeof error.code === 'string' && error.code.startsWith('ERR_PARSE_ARGS_')) fail(error.message)
    throw error
  }
}

// Awaits call(), turning an SDK error into `error: ${action} failed: ${message}`
// and exit status 1. The SDK's message contains no secret (it redacts tokens
// and webhook keys) and no request or response body.
export async function exitOnSdkError(action, call) {
  try {
    return await call()
  } catch (error) {
    if (error instanceof UspacyError) fail(`${action} failed: ${error.message}`)
    throw error
  }
}

// The C library's texts (glibc's, which Rust and Python print) of the errors
// a file read or create can meet and libuv words otherwise.
const C_LIBRARY_TEXTS = {
  EEXIST: 'File exists',
  EIO: 'Input/output error',
  EISDIR: 'Is a directory',
  ELOOP: 'Too many levels of symbolic links',
  ENAMETOOLONG: 'File name too long',
  ETXTBSY: 'Text file busy',
}

// Returns a system error as Rust's std::io::Error prints it:
// 'No such file or directory (os error 2)'.
// NOTE: other than for the codes of C_LIBRARY_TEXTS, the text is libuv's with
// a capital first letter. That matches glibc's for ENOENT, EACCES, ENOTDIR,
// ENOSPC, EROFS, EMFILE, EPERM, EINVAL and EFBIG; other codes were not compared.
export function systemErrorText(error) {
  const number = constants.errno[error.code]
  const libuvText = getSystemErrorMap().get(error.errno)?.[1]
  if (number === undefined || !libuvText) return error.message
  const text = C_LIBRARY_TEXTS[error.code] ?? `${libuvText[0].toUpperCase()}${libuvText.slice(1)}`
  return `${text} (os error ${number})`
}

// Reads a UTF-8 text file, failing with the Rust version's message when it
// cannot be read or decoded.
export function readText(path) {
  let bytes
  try {
    bytes = readFileSync(path)
  } catch (error) {
    if (error.syscall === undefined) throw error
    fail(`cannot read ${path}: ${systemErrorText(error)}`)
  }
  try {
    // readFileSync(path, 'utf8') would silently replace invalid bytes with U+FFFD.
    // A byte order mark is kept for the caller, as Rust's fs::read_to_string keeps it.
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes)
  } catch (error) {
    if (error.code !== 'ERR_ENCODING_INVALID_ENCODED_DATA') throw error
    // Rust's fs::read_to_string reports invalid UTF-8 with this text.
    fail(`cannot read ${path}: stream did not contain valid UTF-8`)
  }
}

// Builds a client from USPACY_* variables; returns it and whether the portal is live.
// USPACY_BASE_URL selects a local mock portal, USPACY_DOMAIN a live one
// (https://{domain}.uspacy.ua). Credentials are tried in this order:
// e-mail and password, app id and secret, incoming-webhook URL. An empty
// variable counts as unset.
export function connect() {
  const env = process.env
  const baseUrl = env.USPACY_BASE_URL
  const domain = env.USPACY_DOMAIN
  if (baseUrl && domain) fail('set either USPACY_BASE_URL (a mock portal) or USPACY_DOMAIN (a live portal), not both')
  if (!baseUrl && !domain) fail('set USPACY_BASE_URL (a mock portal) or USPACY_DOMAIN (a live portal) and credentials')

  let credentials
  if (env.USPACY_EMAIL && env.USPACY_PASSWORD) {
    credentials = { email: env.USPACY_EMAIL, password: env.USPACY_PASSWORD }
  } else if (env.USPACY_CLIENT_ID && env.USPACY_CLIENT_SECRET) {
    credentials = { clientId: env.USPACY_CLIENT_ID, clientSecret: env.USPACY_CLIENT_SECRET }
  } else if (env.USPACY_WEBHOOK_URL) {
    credentials = { webhookUrl: env.USPACY_WEBHOOK_URL }
  } else {
    fail('missing credentials: set USPACY_EMAIL and USPACY_PASSWORD, ' +
      'USPACY_CLIENT_ID and USPACY_CLIENT_SECRET, or USPACY_WEBHOOK_URL')
  }
  const portal = baseUrl ? { baseUrl } : { domain }
  let client
  try {
    client = new Uspacy({ ...portal, credentials })
  } catch (error) {
    if (!(error instanceof UspacyError)) throw error
    fail(`building the client failed: ${error.message}`)
  }
  return { client, live: !baseUrl }
}

// Returns whether changes may be sent: always to a mock, to a live portal only with --write.
export function mayWrite(live, writeFlag) {
  if (live && !writeFlag) {
    console.log('live portal without --write: reading only, changes are printed as a plan')
    return false
  }
  return true
}

// Returns a Map of option title to option value of a list field definition.
// An option without a title or a value is left out, because no title can
// select it, and the first option of a title wins, as in the other versions.
export function optionsOf(field) {
  const options = new Map()
  for (const { title, value } of field.values ?? []) {
    if (title != null && value != null && !options.has(title)) options.set(title, value)
  }
  return options
}

// Returns a Map of option title to option value of a list field, read from the field definitions.
export async function listOptions(client, entity, fieldCode) {
  const fields = (await exitOnSdkError(`listing the fields of ${entity}`, () => client.crm.fields.list(entity))).data
  const field = fields.find((f) => f.code === fieldCode)
  if (!field) fail(`field ${fieldCode} not found among the fields of ${entity}`)
  if (field.type !== 'list') fail(`field ${fieldCode} of ${entity} is of type ${field.type ?? '(none)'}, not list`)
  return optionsOf(field)
}

// Maps option titles to their values; a title that is not an option is an error.
// `context` starts the error message, e.g. 'line 5: ' for a CSV row.
export function mapTitles(options, titles, fieldCode, context = '') {
  const values = []
  for (const raw of titles) {
    const title = raw.trim()
    if (!title) continue
    if (!options.has(title)) fail(`${context}'${title}' is not an option of ${fieldCode}; options: ${[...options.keys()].join(', ')}`)
    values.push(options.get(title))
  }
  return values
}

// The precision of Python's default decimal context. Its quantize fails on
// a result with more digits, and so does twoPlaces.
const MAX_DIGITS = 28n
// Bounds of the Rust scenario's exponent, an i128, so text with an exponent
// outside them is rejected there and here.
const MAX_EXPONENT = 2n ** 127n - 1n
const MIN_EXPONENT = -(2n ** 127n)

// Rounds a decimal number given as text to two places, half to even, as
// Python's Decimal(text).quantize(Decimal('0.01')) does: '17250.5' becomes
// '17250.50', '1e3' becomes '1000.00', '0.125' becomes '0.12'. The digits of
// the text are rounded, never a float, whose binary value of '1.015' lies
// below the tie. Returns null for text that is not a finite decimal number
// and for a result of more than 28 digits.
export function twoPlaces(text) {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text.trim())
  if (!match) return null
  const [, sign, whole, fraction = '', exponentText] = match
  if (whole === '' && fraction === '') return null
  const exponent = exponentText === undefined ? 0n : BigInt(exponentText)
  if (exponent > MAX_EXPONENT || exponent < MIN_EXPONENT) return null

  // The value is digits * 10^-scale, and the result needs a scale of 2.
  const digits = (whole + fraction).replace(/^0+/, '')
  const scale = BigInt(fraction.length) - exponent
  let coefficient
  if (digits === '') {
    coefficient = '0'
  } else if (scale <= 2n) {
    const zeros = 2n - scale
    if (BigInt(digits.length) + zeros > MAX_DIGITS) return null
    coefficient = digits + '0'.repeat(Number(zeros))
  } else {
    coefficient = roundHalfEven(digits, scale - 2n)
  }
  if (BigInt(coefficient.length) > MAX_DIGITS) return null

  const padded = coefficient.padStart(3, '0')
  const negative = sign === '-' && coefficient !== '0'
  return `${negative ? '-' : ''}${padded.slice(0, -2)}.${padded.slice(-2)}`
}

// Drops the last `dropped` (a BigInt) digits of a digit string without
// leading zeros, rounding half to even. Returns the digits left without
// leading zeros, or '0' when none are left.
function roundHalfEven(digits, dropped) {
  // A value below a tenth of the last kept place rounds to 0.
  if (dropped > BigInt(digits.length)) return '0'
  const keptLength = digits.length - Number(dropped)
  const keptDigits = digits.slice(0, keptLength)
  const droppedDigits = digits.slice(keptLength)
  const beyondHalf = /[1-9]/.test(droppedDigits.slice(1))
  const lastOdd = keptDigits !== '' && Number(keptDigits.at(-1)) % 2 === 1
  const up = droppedDigits[0] > '5' || (droppedDigits[0] === '5' && (beyondHalf || lastOdd))
  if (!up) return keptDigits || '0'
  return (BigInt(keptDigits || '0') + 1n).toString()
}
