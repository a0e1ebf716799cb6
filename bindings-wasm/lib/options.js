import { ConfigError } from './errors.js'

/**
 * Checks the options of `new Uspacy(..)` and converts them to the options
 * object of the WebAssembly module. Every problem is a `ConfigError` that
 * names the option and the fix. The core checks the values again (URLs,
 * ranges). The checks and messages are those of the Node.js package,
 * plus `tokenStorage`.
 */

const OPTION_NAMES = [
  'domain',
  'baseUrl',
  'credentials',
  'timeouts',
  'retry',
  'onTokens',
  'userAgent',
  'refreshSkew',
  'tokenStorage',
]

/** The credential kinds and the keys each one takes. */
const CREDENTIAL_KINDS = [
  { kind: 'password', keys: ['email', 'password', 'code'], required: ['email', 'password'] },
  { kind: 'app', keys: ['clientId', 'clientSecret'], required: ['clientId', 'clientSecret'] },
  { kind: 'tokens', keys: ['accessToken', 'refreshToken'], required: ['accessToken'] },
  { kind: 'webhook', keys: ['webhookUrl'], required: ['webhookUrl'] },
  { kind: 'provider', keys: ['tokenProvider'], required: ['tokenProvider'] },
]

const CREDENTIALS_HELP =
  'pass one of {email, password, code?}, {clientId, clientSecret}, ' +
  '{accessToken, refreshToken?}, {webhookUrl} or {tokenProvider}'

const TIMEOUT_NAMES = ['connect', 'request', 'upload']
const RETRY_NAMES = ['maxAttempts', 'initialBackoff', 'maxBackoff', 'maxRetryAfter', 'maxElapsed']

const STORAGE_HELP =
  "'memory' (the default), 'localStorage', 'sessionStorage' or an object with getItem(key) and setItem(key, value)"

function isPlainObject(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Describes the kind of `value` for messages: `a string`, `an array`, `null`, ... */
function describe(value) {
  if (value === null || value === undefined) {
    return String(value)
  }
  if (Array.isArray(value)) {
    return 'an array'
  }
  const type = typeof value
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`
}

function rejectUnknownKeys(object, allowed, where) {
  for (const key of Object.keys(object)) {
    if (!allowed.includes(key)) {
      throw new ConfigError(`unknown option ${where}${key}: the valid ones are ${allowed.join(', ')}`)
    }
  }
}

function optionalString(value, name) {
  if (value === undefined) {
    return undefined
  }
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ConfigError(`${name} must be a non-empty string, got ${describe(value)}`)
  }
  return value
}

/** Checks a number of seconds; with `positive`, zero is rejected too. */
function optionalSeconds(value, name, { positive }) {
  if (value === undefined) {
    return undefined
  }
  const valid = typeof value === 'number' && Number.isFinite(value) && (positive ? value > 0 : value >= 0)
  if (!valid) {
    const range = positive ? 'more than zero' : 'zero or more'
    throw new ConfigError(`${name} must be a number of seconds, ${range}; got ${String(value)}`)
  }
  return value
}

/**
 * Checks the credentials. Returns the module's credentials object and, for
 * the provider kind, the user's `tokenProvider` function.
 */
function credentialsFrom(credentials) {
  if (credentials === undefined) {
    return { native: undefined, tokenProvider: undefined }
  }
  if (!isPlainObject(credentials)) {
    throw new ConfigError(`options.credentials must be an object: ${CREDENTIALS_HELP}`)
  }
  const setKeys = Object.keys(credentials).filter((key) => credentials[key] !== undefined)
  const allKeys = CREDENTIAL_KINDS.flatMap((kind) => kind.keys)
  rejectUnknownKeys(credentials, allKeys, 'credentials.')

  const kinds = CREDENTIAL_KINDS.filter((kind) => setKeys.some((key) => kind.keys.includes(key)))
  if (kinds.length === 0) {
    throw new ConfigError(`options.credentials is empty: ${CREDENTIALS_HELP}`)
  }
  if (kinds.length > 1) {
    throw new ConfigError(
      `options.credentials mixes ${kinds.map((kind) => kind.kind).join(' and ')} credentials: ${CREDENTIALS_HELP}`,
    )
  }

  const [{ kind, keys, required }] = kinds
  if (kind === 'provider') {
    if (typeof credentials.tokenProvider !== 'function') {
      throw new ConfigError(
        `options.credentials.tokenProvider must be a function, got ${describe(credentials.tokenProvider)}`,
      )
    }
    return { native: { kind }, tokenProvider: credentials.tokenProvider }
  }
  const native = { kind }
  for (const key of keys) {
    let value = credentials[key]
    if (key === 'code' && typeof value === 'number') {
      value = String(value)
    }
    if (value === undefined || value === null) {
      if (required.includes(key)) {
        throw new ConfigError(`options.credentials.${key} is missing: ${kind} credentials need ${required.join(' and ')}`)
      }
      continue
    }
    native[key] = optionalString(value, `options.credentials.${key}`)
  }
  return { native, tokenProvider: undefined }
}

function timeoutsFrom(timeouts) {
  if (timeouts === undefined) {
    return undefined
  }
  if (!isPlainObject(timeouts)) {
    throw new ConfigError('options.timeouts must be an object such as {request: 30} (seconds)')
  }
  rejectUnknownKeys(timeouts, TIMEOUT_NAMES, 'timeouts.')
  const native = {}
  for (const name of TIMEOUT_NAMES) {
    native[name] = optionalSeconds(timeouts[name], `options.timeouts.${name}`, { positive: true })
  }
  return native
}

function retryFrom(retry) {
  if (retry === undefined) {
    return undefined
  }
  if (!isPlainObject(retry)) {
    throw new ConfigError('options.retry must be an object such as {maxAttempts: 1}')
  }
  rejectUnknownKeys(retry, RETRY_NAMES, 'retry.')
  const { maxAttempts } = retry
  if (maxAttempts !== undefined && !(Number.isInteger(maxAttempts) && maxAttempts >= 1 && maxAttempts <= 100)) {
    throw new ConfigError(
      `options.retry.maxAttempts must be an integer from 1 to 100 (1 disables retries); got ${String(maxAttempts)}`,
    )
  }
  return {
    maxAttempts,
    initialBackoff: optionalSeconds(retry.initialBackoff, 'options.retry.initialBackoff', { positive: false }),
    maxBackoff: optionalSeconds(retry.maxBackoff, 'options.retry.maxBackoff', { positive: false }),
    maxRetryAfter: optionalSeconds(retry.maxRetryAfter, 'options.retry.maxRetryAfter', { positive: false }),
    maxElapsed: optionalSeconds(retry.maxElapsed, 'options.retry.maxElapsed', { positive: true }),
  }
}

/** Reads `globalThis[name]`, which throws in some sandboxed frames. */
function webStorage(name) {
  let storage
  try {
    storage = globalThis[name]
  } catch (error) {
    throw new ConfigError(`options.tokenStorage is '${name}', but this page may not use it: ${error.message}`)
  }
  if (storage === undefined || storage === null) {
    throw new ConfigError(
      `options.tokenStorage is '${name}', but this host has none: use 'memory' or pass an object with getItem and setItem`,
    )
  }
  return storage
}

/** Returns the storage object for `tokenStorage`, or `undefined` for memory. */
function storageFrom(tokenStorage) {
  if (tokenStorage === undefined || tokenStorage === 'memory') {
    return undefined
  }
  if (tokenStorage === 'localStorage' || tokenStorage === 'sessionStorage') {
    return webStorage(tokenStorage)
  }
  const usable =
    typeof tokenStorage === 'object' &&
    tokenStorage !== null &&
    typeof tokenStorage.getItem === 'function' &&
    typeof tokenStorage.setItem === 'function'
  if (!usable) {
    throw new ConfigError(`options.tokenStorage must be ${STORAGE_HELP}; got ${describe(tokenStorage)}`)
  }
  return tokenStorage
}

/**
 * Splits and checks the options of `new Uspacy(options)`.
 * @returns {{native: object, onTokens: Function|undefined, tokenProvider: Function|undefined, storage: object|undefined}}
 */
export function normalizeOptions(options) {
  if (!isPlainObject(options)) {
    throw new ConfigError(
      'new Uspacy(options) needs an options object such as ' + "{domain: 'acme', credentials: {email, password}}",
    )
  }
  rejectUnknownKeys(options, OPTION_NAMES, 'options.')
  if (options.onTokens !== undefined && typeof options.onTokens !== 'function') {
    throw new ConfigError(`options.onTokens must be a function, got ${describe(options.onTokens)}`)
  }

  const credentials = credentialsFrom(options.credentials)
  const native = {
    domain: optionalString(options.domain, 'options.domain'),
    baseUrl: optionalString(options.baseUrl, 'options.baseUrl'),
    credentials: credentials.native,
    timeouts: timeoutsFrom(options.timeouts),
    retry: retryFrom(options.retry),
    userAgent: optionalString(options.userAgent, 'options.userAgent'),
    refreshSkew: optionalSeconds(options.refreshSkew, 'options.refreshSkew', { positive: false }),
  }
  return {
    native,
    onTokens: options.onTokens,
    tokenProvider: credentials.tokenProvider,
    storage: storageFrom(options.tokenStorage),
  }
}
