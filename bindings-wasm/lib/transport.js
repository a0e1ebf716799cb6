import { ConfigError, fromInfo } from './errors.js'

/**
 * The transport of the generated namespaces over the WebAssembly module.
 * Arguments are normalized with a JSON round trip, so they follow the
 * rules of `JSON.stringify` exactly as in the Node.js package (`undefined`
 * keys dropped, dates as ISO strings), and then cross into the module with
 * serde-wasm-bindgen. Results come back as plain objects.
 */
export class WasmTransport {
  #client

  /** @param {import('./client.js').ClientHandle} client */
  constructor(client) {
    this.#client = client
  }

  /** Calls `opId`; resolves with the parsed body, rejects with a `UspacyError`. */
  async call(opId, pathParams, query, body) {
    const path = jsonValue(opId, 'path parameters', pathParams)
    const queryValue = jsonValue(opId, 'query', query)
    let json
    let multipart
    if (body !== undefined && body !== null && 'multipart' in body) {
      multipart = await moduleMultipart(opId, body.multipart)
    } else if (body !== undefined && body !== null && body.json !== undefined && body.json !== null) {
      json = jsonValue(opId, 'body', body.json)
    }
    const outcome = await this.#client.run((native) => native.call(opId, path, queryValue, json, multipart))
    if (outcome.error) {
      throw fromInfo(outcome.error)
    }
    return outcome.value
  }

  /**
   * Iterates every item of paging operation `opId`. Nothing is sent until
   * the first item is asked for; leaving the loop early stops the fetching.
   */
  paginate(opId, pathParams, query) {
    let values
    try {
      values = [jsonValue(opId, 'path parameters', pathParams), jsonValue(opId, 'query', query)]
    } catch (error) {
      return failingIterator(error)
    }
    return items(this.#client, (native) => native.paginate(opId, ...values))
  }
}

/** `value` after `JSON.stringify` and `JSON.parse`; `undefined` and `null` stay unset. */
function jsonValue(opId, part, value) {
  if (value === undefined || value === null) {
    return undefined
  }
  let text
  try {
    text = JSON.stringify(value)
  } catch (error) {
    throw new ConfigError(`the ${part} of ${opId} cannot be sent as JSON: ${error.message}`)
  }
  return text === undefined ? undefined : JSON.parse(text)
}

async function* items(client, startPager) {
  const pager = client.enter(startPager)
  try {
    for (;;) {
      const outcome = await client.run(() => pager.next())
      if (outcome.error) {
        throw fromInfo(outcome.error)
      }
      if (outcome.done) {
        return
      }
      yield* outcome.items
    }
  } finally {
    client.release(pager)
  }
}

async function* failingIterator(error) {
  throw error
}

function isPlainObject(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Checks a `{files, fields}` form and reads its files into bytes. */
async function moduleMultipart(opId, form) {
  const usage = `${opId} takes a form {files: [{name, data, contentType?, field?}], fields?: {..}}`
  if (!isPlainObject(form) || !Array.isArray(form.files)) {
    throw new ConfigError(`invalid upload: ${usage}`)
  }
  const files = await Promise.all(form.files.map((file, index) => moduleFile(file, index, usage)))
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

async function moduleFile(file, index, usage) {
  const where = `files[${index}]`
  if (!isPlainObject(file)) {
    throw new ConfigError(`invalid upload: ${where} must be an object; ${usage}`)
  }
  if (typeof file.name !== 'string' || file.name === '') {
    throw new ConfigError(`invalid upload: ${where}.name must be a non-empty file name; ${usage}`)
  }
  for (const key of ['contentType', 'field']) {
    if (file[key] !== undefined && typeof file[key] !== 'string') {
      throw new ConfigError(`invalid upload: ${where}.${key} must be a string`)
    }
  }
  let data = file.data
  let contentType = file.contentType
  if (typeof Blob === 'function' && data instanceof Blob) {
    // A `File` from an <input> carries its own type; an explicit one wins.
    contentType ??= data.type === '' ? undefined : data.type
    data = new Uint8Array(await data.arrayBuffer())
  } else if (data instanceof ArrayBuffer) {
    data = new Uint8Array(data)
  } else if (ArrayBuffer.isView(data) && !(data instanceof Uint8Array)) {
    data = new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
  }
  if (!(data instanceof Uint8Array)) {
    throw new ConfigError(`invalid upload: ${where}.data must be a Blob, File, Uint8Array or ArrayBuffer; ${usage}`)
  }
  return { name: file.name, data, contentType, field: file.field }
}
