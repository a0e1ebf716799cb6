'use strict'

const { ConfigError, UspacyError, fromInfo } = require('./errors')
const { decodeBody } = require('./native')

/**
 * The transport of the generated namespaces over the native addon. It
 * serializes the arguments to JSON text, awaits the native outcome and
 * parses the raw response body with `JSON.parse`, which is faster than
 * building the objects value by value in Rust (see the README for the
 * measurement).
 */
class NativeTransport {
  #native

  /** @param {import('../native/binding').NativeClient} native */
  constructor(native) {
    this.#native = native
  }

  /** Calls `opId`; resolves with the parsed body, rejects with a `UspacyError`. */
  async call(opId, pathParams, query, body) {
    const pathText = jsonText(opId, 'path parameters', pathParams)
    const queryText = jsonText(opId, 'query', query)
    let bodyText
    let multipart
    if (body !== undefined && body !== null && 'multipart' in body) {
      multipart = nativeMultipart(opId, body.multipart)
    } else if (body !== undefined && body !== null && body.json !== undefined && body.json !== null) {
      bodyText = jsonText(opId, 'body', body.json)
    }

    const outcome = await native(() => this.#native.call(opId, pathText, queryText, bodyText, multipart))
    return resultOf(opId, outcome)
  }

  /**
   * Iterates every item of paging operation `opId`. Nothing is sent until
   * the first item is asked for; leaving the loop early stops the fetching.
   */
  paginate(opId, pathParams, query) {
    let texts
    try {
      texts = [jsonText(opId, 'path parameters', pathParams), jsonText(opId, 'query', query)]
    } catch (error) {
      return failingIterator(error)
    }
    return items(() => native(() => this.#native.paginate(opId, ...texts)))
  }
}

/**
 * Runs a native method. An exception thrown by the addon itself (a caught
 * panic, an argument it could not convert) becomes a `UspacyError`.
 */
function native(run) {
  try {
    return run()
  } catch (error) {
    throw new UspacyError(`internal error in the uspacy addon: ${error.message}`, { kind: 'internal' })
  }
}

/** JSON text of one argument; `undefined` stays unset. */
function jsonText(opId, part, value) {
  if (value === undefined || value === null) {
    return undefined
  }
  try {
    return JSON.stringify(value)
  } catch (error) {
    throw new ConfigError(`the ${part} of ${opId} cannot be sent as JSON: ${error.message}`)
  }
}

/**
 * Returns the parsed 2xx body of an outcome, or throws the error it carries.
 * A body that `JSON.parse` rejects, or a blank one, goes to the core, which
 * applies the rules of every language: blank is `null`, an operation without
 * a documented body may send plain text, anything else is a `DecodeError`.
 */
function resultOf(opId, outcome) {
  if (outcome.error) {
    throw fromInfo(outcome.error)
  }
  const text = outcome.body
  if (text !== undefined && text !== null) {
    try {
      return JSON.parse(text)
    } catch {
      // decided below
    }
  }
  const decided = native(() => decodeBody(opId, outcome.status ?? 200, text ?? ''))
  if (decided.error) {
    throw fromInfo(decided.error)
  }
  return decided.body === undefined || decided.body === null ? null : JSON.parse(decided.body)
}

async function* items(startPager) {
  const pager = startPager()
  try {
    for (;;) {
      // Items of a page already fetched come back synchronously; only a
      // page request in flight needs the await.
      let step = native(() => pager.tryNext())
      if (step.pending) {
        step = await native(() => pager.next())
      }
      if (step.error) {
        throw fromInfo(step.error)
      }
      if (step.done) {
        return
      }
      yield JSON.parse(step.item)
    }
  } finally {
    pager.close()
  }
}

async function* failingIterator(error) {
  throw error
}

function isPlainObject(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Checks a `{files, fields}` form and converts it for the addon. */
function nativeMultipart(opId, form) {
  const usage = `${opId} takes a form {files: [{name, data, contentType?, field?}], fields?: {..}}`
  if (!isPlainObject(form) || !Array.isArray(form.files)) {
    throw new ConfigError(`invalid upload: ${usage}`)
  }
  const files = form.files.map((file, index) => nativeFile(file, index, usage))
  const fields = []
  if (form.fields !== undefined && form.fields !== null) {
    if (!isPlainObject(form.fields)) {
      throw new ConfigError(`invalid upload: fields must be an object of strings, numbers or booleans; ${usage}`)
    }
    for (const [name, value] of Object.entries(form.fields)) {
      for (const item of Array.isArray(value) ? value : [value]) {
        if (item === undefined) {
          continue
        }
        if (!['string', 'number', 'boolean'].includes(typeof item)) {
          throw new ConfigError(`invalid upload: field ${name} must be a string, number or boolean`)
        }
        fields.push({ name, value: String(item) })
      }
    }
  }
  return { files, fields }
}

function nativeFile(file, index, usage) {
  const where = `files[${index}]`
  if (!isPlainObject(file)) {
    throw new ConfigError(`invalid upload: ${where} must be an object; ${usage}`)
  }
  if (typeof file.name !== 'string' || file.name === '') {
    throw new ConfigError(`invalid upload: ${where}.name must be a non-empty file name; ${usage}`)
  }
  let data = file.data
  if (data instanceof ArrayBuffer) {
    data = new Uint8Array(data)
  }
  if (!(data instanceof Uint8Array)) {
    throw new ConfigError(`invalid upload: ${where}.data must be a Buffer or Uint8Array; ${usage}`)
  }
  for (const key of ['contentType', 'field']) {
    if (file[key] !== undefined && typeof file[key] !== 'string') {
      throw new ConfigError(`invalid upload: ${where}.${key} must be a string`)
    }
  }
  return { name: file.name, data, contentType: file.contentType, field: file.field }
}

module.exports = { NativeTransport, native }
