'use strict'

const { inspect } = require('node:util')

const binding = require('./native')
const { ConfigError, UspacyError, fromInfo } = require('./errors')
const { UspacyApi } = require('./generated/api')
const { normalizeOptions } = require('./options')
const { TokenPair } = require('./tokens')
const { NativeTransport, native } = require('./transport')

/**
 * A client of one Uspacy portal. Every operation of the API is a method of
 * its namespaces (`client.crm.items.list('deals', {page: 1})`); `call` and
 * `paginate` reach any operation by its id.
 *
 * All state (tokens, connections, the `onTokens` callback) belongs to the
 * instance, so two clients share nothing.
 */
class Uspacy extends UspacyApi {
  #native
  #transport

  /**
   * Checks the options and builds the client; nothing is sent yet.
   * @throws {ConfigError} when an option is missing or invalid
   */
  constructor(options) {
    const { native: nativeOptions, onTokens, tokenProvider } = normalizeOptions(options)
    const nativeClient = createNativeClient(nativeOptions, onTokens, tokenProvider)
    const transport = new NativeTransport(nativeClient)
    super(transport)
    this.#native = nativeClient
    this.#transport = transport
  }

  /** The portal's base URL; a webhook key in it reads `***`. */
  get baseUrl() {
    return this.#native.baseUrl
  }

  /** Whether `close()` has run. */
  get closed() {
    return this.#native.closed
  }

  /** Returns the current token pair, or `null` before sign-in and for webhook clients. */
  tokens() {
    const fields = native(() => this.#native.tokens())
    return fields ? new TokenPair(fields) : null
  }

  /** Signs in (or checks the given tokens) now instead of at the first call. */
  async authenticate() {
    const outcome = await native(() => this.#native.authenticate())
    if (outcome.error) {
      throw fromInfo(outcome.error)
    }
  }

  /**
   * Refreshes the access token now; concurrent callers share one refresh.
   * @returns {Promise<TokenPair>}
   */
  async refresh() {
    const outcome = await native(() => this.#native.refresh())
    if (outcome.error) {
      throw fromInfo(outcome.error)
    }
    return new TokenPair(outcome.tokens)
  }

  /**
   * Calls any operation by its id with wire names:
   * `call('crm.items.get', {pathParams: {entity_code: 'deals', id: 7}})`.
   * `body` is sent as JSON; `multipart` ({files, fields}) for uploads.
   */
  call(opId, { pathParams, query, body, multipart } = {}) {
    const request = multipart === undefined ? { json: body } : { multipart }
    return this.#transport.call(opId, pathParams ?? {}, query, request)
  }

  /** Iterates every item of any paging operation, by its id and wire names. */
  paginate(opId, { pathParams, query } = {}) {
    return this.#transport.paginate(opId, pathParams ?? {}, query)
  }

  /**
   * Releases the client: its connections and its `onTokens` callback.
   * Calls already running finish; later calls fail with a `ConfigError`.
   */
  close() {
    native(() => this.#native.close())
  }

  [inspect.custom](depth, options, inspectFn = inspect) {
    const visible = { baseUrl: this.baseUrl, closed: this.closed }
    return `Uspacy ${inspectFn(visible, options)}`
  }
}

/** Builds the native client; its configuration errors become `ConfigError`. */
function createNativeClient(nativeOptions, onTokens, tokenProvider) {
  const listener = onTokens === undefined ? undefined : tokenListener(onTokens)
  const provider = tokenProvider === undefined ? undefined : providerCaller(tokenProvider)
  try {
    return new binding.NativeClient(nativeOptions, listener, provider)
  } catch (error) {
    if (error.code === 'InvalidArg') {
      throw new ConfigError(error.message)
    }
    throw new UspacyError(`internal error in the uspacy addon: ${error.message}`, { kind: 'internal' })
  }
}

/**
 * Wraps the user's `onTokens`. The addon calls the wrapper from a
 * threadsafe function, where an escaping exception would end the process,
 * so a throw or a rejected promise becomes a process warning instead.
 */
function tokenListener(onTokens) {
  return (fields) => {
    try {
      const result = onTokens(new TokenPair(fields))
      if (result !== null && typeof result === 'object' && typeof result.then === 'function') {
        result.then(undefined, reportListenerFailure)
      }
    } catch (error) {
      reportListenerFailure(error)
    }
  }
}

/**
 * Wraps the user's `tokenProvider` so that it always resolves, with
 * `{token}` or `{error}`: a throw escaping into the addon would end the
 * process.
 */
function providerCaller(tokenProvider) {
  return async (rejected) => {
    try {
      const token = await tokenProvider({ rejected })
      if (typeof token !== 'string') {
        return { error: `it must resolve with the access token as a string, got ${typeof token}` }
      }
      return { token }
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) }
    }
  }
}

function reportListenerFailure(error) {
  const text = error instanceof Error ? error.message : String(error)
  process.emitWarning(`the onTokens callback failed: ${text}`, {
    type: 'UspacyWarning',
    code: 'USPACY_ON_TOKENS_FAILED',
  })
}

module.exports = { Uspacy }
