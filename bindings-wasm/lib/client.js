import { fromInfo } from './errors.js'
import { UspacyApi } from './generated/api.js'
import { normalizeOptions } from './options.js'
import { checkGeneration, currentGeneration, enter, runTask } from './runtime.js'
import { INSPECT, TokenPair } from './tokens.js'
import { WasmTransport } from './transport.js'

/**
 * The module's client of one `Uspacy` instance, with the generation of the
 * WebAssembly instance it lives in. Every call checks that generation first,
 * so a client whose instance stopped fails with a clear error.
 */
class ClientHandle {
  #native
  #generation

  constructor(native, generation) {
    this.#native = native
    this.#generation = generation
  }

  /** Calls `run(native)` synchronously. */
  enter(run) {
    checkGeneration(this.#generation)
    return enter(() => run(this.#native))
  }

  /** Starts a task with `start(native)` and resolves with its outcome. */
  run(start) {
    try {
      checkGeneration(this.#generation)
    } catch (error) {
      return Promise.resolve({ error: { kind: error.kind, message: error.message } })
    }
    return runTask(() => start(this.#native))
  }

  /** Closes and frees a module object (a pager) unless its instance stopped. */
  release(object) {
    if (this.#generation !== currentGeneration()) {
      return
    }
    try {
      enter(() => {
        object.close()
        object.free()
      })
    } catch {
      // The instance stopped while closing; `enter` has already settled the
      // calls in flight, and nothing of the old instance is left to free.
    }
  }
}

/**
 * A client of one Uspacy portal. Every operation of the API is a method of
 * its namespaces (`client.crm.items.list('deals', {page: 1})`); `call` and
 * `paginate` reach any operation by its id.
 *
 * All state (tokens, the `onTokens` callback, the token storage) belongs
 * to the instance, so two clients share nothing but a `tokenStorage`.
 */
export class Uspacy extends UspacyApi {
  #handle
  #transport
  #baseUrl

  /**
   * Checks the options and builds the client; nothing is sent yet.
   * @throws {ConfigError} when an option is missing or invalid
   */
  constructor(options) {
    const { native: moduleOptions, onTokens, tokenProvider, storage } = normalizeOptions(options)
    const listener = onTokens === undefined ? undefined : tokenListener(onTokens)
    const provider = tokenProvider === undefined ? undefined : providerCaller(tokenProvider)
    const generation = currentGeneration()
    const created = enter((glue) => glue.WasmClient.create(moduleOptions, listener, provider, storage))
    if (created.error) {
      throw fromInfo(created.error)
    }
    const handle = new ClientHandle(created.client, generation)
    const transport = new WasmTransport(handle)
    super(transport)
    this.#handle = handle
    this.#transport = transport
    this.#baseUrl = created.client.baseUrl
  }

  /** The portal's base URL; a webhook key in it reads `***`. */
  get baseUrl() {
    return this.#baseUrl
  }

  /** Whether `close()` has run. */
  get closed() {
    return this.#handle.enter((native) => native.closed)
  }

  /**
   * The key of this portal's token pair in `tokenStorage`, or `undefined`
   * when the tokens stay in memory.
   */
  get tokenStorageKey() {
    return this.#handle.enter((native) => native.storageKey)
  }

  /** Returns the current token pair, or `null` before sign-in and for webhook clients. */
  tokens() {
    const fields = this.#handle.enter((native) => native.tokens())
    return fields ? new TokenPair(fields) : null
  }

  /** Signs in (or checks the given tokens) now instead of at the first call. */
  async authenticate() {
    const outcome = await this.#handle.run((native) => native.authenticate())
    if (outcome.error) {
      throw fromInfo(outcome.error)
    }
  }

  /**
   * Refreshes the access token now; concurrent callers share one refresh.
   * @returns {Promise<TokenPair>}
   */
  async refresh() {
    const outcome = await this.#handle.run((native) => native.refresh())
    if (outcome.error) {
      throw fromInfo(outcome.error)
    }
    return new TokenPair(outcome.value)
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
   * Releases the client's tokens and callbacks. Calls already running
   * finish; later calls fail with a `ConfigError`.
   */
  close() {
    this.#handle.enter((native) => native.close())
  }

  [INSPECT](depth, options, inspectFn) {
    const visible = { baseUrl: this.baseUrl, closed: this.closed }
    return typeof inspectFn === 'function' ? `Uspacy ${inspectFn(visible, options)}` : `Uspacy ${JSON.stringify(visible)}`
  }
}

/** Reports a failed `onTokens` callback without throwing into the module. */
function reportListenerFailure(error) {
  const text = error instanceof Error ? error.message : String(error)
  console.warn(`uspacy: the onTokens callback failed: ${text}`)
}

/**
 * Wraps the user's `onTokens`. The module calls the wrapper while it holds
 * its refresh lock, so a throw or a rejected promise is reported on the
 * console instead of reaching the module.
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
 * `{token}` or `{error}`.
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
