// Types of the npm package `uspacy-web`. The namespaces and models are
// generated from the core's operation table into lib/generated/, by the
// same generator as those of the Node.js package `uspacy`. The classes,
// options and errors below match that package's index.d.ts; the additions
// for browsers are `tokenStorage` and `Uspacy.tokenStorageKey`.

import { UspacyApi, PathValue, QueryOptions, JsonBody, MultipartForm } from './lib/generated/api.js'

export * from './lib/generated/api.js'
export * from './lib/generated/models.js'

/** E-mail and password, with the code when the account has 2FA enabled. */
export interface PasswordCredentials {
  email: string
  password: string
  code?: string | number
}

/** A marketplace app's client id and secret. */
export interface AppCredentials {
  clientId: string
  clientSecret: string
}

/**
 * A token pair obtained elsewhere (for example stored by `onTokens`).
 * Without `domain` or `baseUrl` the portal comes from the token's
 * `domain` claim.
 */
export interface TokenCredentials {
  accessToken: string
  refreshToken?: string
}

/**
 * An incoming-webhook URL
 * (`https://{domain}.uspacy.ua/company/v1/incoming_webhooks/run/{key}`):
 * calls go through it without a token.
 */
export interface WebhookCredentials {
  webhookUrl: string
}

/**
 * Access tokens supplied by your code, for example a widget embedded in
 * the portal that gets the user's token from the host page. The client
 * never refreshes them itself: it calls `tokenProvider` again, with
 * `rejected: true` after the portal refused the previous token. Needs
 * `domain` or `baseUrl`.
 */
export interface ProviderCredentials {
  tokenProvider: (request: { rejected: boolean }) => string | Promise<string>
}

export type Credentials =
  | PasswordCredentials
  | AppCredentials
  | TokenCredentials
  | WebhookCredentials
  | ProviderCredentials

/** Time limits of one attempt, in seconds. */
export interface Timeouts {
  /** Accepted for compatibility with the Node.js package; browsers do not expose a connect timeout. */
  connect?: number
  /** Time for an ordinary request, response body included. Default 30. */
  request?: number
  /** Time for a multipart upload. Default 300. */
  upload?: number
}

/**
 * When to replay a failed request. 429 responses are replayed for every
 * operation, but 5xx responses, timeouts and connection failures only for
 * idempotent ones, and other 4xx responses never. Durations are in seconds.
 */
export interface RetryOptions {
  /** Attempts per call, the first included. Default 4; 1 disables retries. */
  maxAttempts?: number
  /** Backoff before the first replay, doubled for each later one. Default 0.25. */
  initialBackoff?: number
  /** Upper bound of one backoff. Default 10. */
  maxBackoff?: number
  /** Longest `Retry-After` to wait; a longer one fails at once with `RateLimited`. Default 60. */
  maxRetryAfter?: number
  /** Deadline of one call, retries and waits included. Default 120. */
  maxElapsed?: number
}

/**
 * A synchronous key-value store with the `Storage` interface's `getItem`
 * and `setItem` (`localStorage`, `sessionStorage` or your own object).
 */
export interface TokenStorage {
  getItem(key: string): string | null
  setItem(key: string, value: string): void
}

export interface UspacyOptions {
  /** The portal's name (`acme` for `https://acme.uspacy.ua`) or host name. */
  domain?: string
  /** A full base URL, such as `http://127.0.0.1:8080` for a local mock. Takes precedence over `domain`. */
  baseUrl?: string
  credentials?: Credentials
  timeouts?: Timeouts
  retry?: RetryOptions
  /**
   * Receives every new token pair (after sign-in and each refresh), to
   * store it. A throw or a rejected promise becomes a console warning.
   */
  onTokens?: (tokens: TokenPair) => void | Promise<void>
  /** Accepted for compatibility with the Node.js package; browsers send their own `User-Agent`. */
  userAgent?: string
  /** Seconds before its expiry at which an access token is renewed. Default 30. */
  refreshSkew?: number
  /**
   * Where the token pair is kept. `'memory'` (the default) keeps it in this
   * client only. `'localStorage'`, `'sessionStorage'` or a `TokenStorage`
   * keep it under a key per portal: a client built without `credentials`
   * starts from the stored pair, and clients that share the storage (tabs
   * of one app) adopt the pair one of them refreshed. With a storage,
   * refreshes also take a Web Lock (`navigator.locks`) where the browser
   * has it, so one tab refreshes at a time.
   */
  tokenStorage?: 'memory' | 'localStorage' | 'sessionStorage' | TokenStorage
}

/**
 * A token pair. The tokens stay out of `console.log`, `util.inspect` and
 * `String(pair)`; `JSON.stringify(pair)` writes them all, for storage.
 */
export declare class TokenPair {
  constructor(fields: { accessToken: string; refreshToken?: string | null; expiresAt?: number | null })
  /** The access token (a JWT). */
  readonly accessToken: string
  /** The refresh token, or `null` when the portal sent none. */
  readonly refreshToken: string | null
  /** When the access token expires, in seconds since the Unix epoch, or `null`. */
  readonly expiresAt: number | null
  toJSON(): { accessToken: string; refreshToken: string | null; expiresAt: number | null }
}

/** A request of `Uspacy.call` and `Uspacy.paginate`, with wire names. */
export interface OperationRequest {
  /** Path parameters by their names in the path template (`entity_code`). */
  pathParams?: Record<string, PathValue>
  /** Query parameters as sent, in PHP bracket style for nested values. */
  query?: QueryOptions
  /** A JSON body. */
  body?: JsonBody
  /** A multipart body, for upload operations. */
  multipart?: MultipartForm
}

/**
 * A client of one Uspacy portal. Every operation is a method of its
 * namespaces (`client.crm.items.list('deals', {page: 1, list: 50})`).
 * All state belongs to the instance: two clients share nothing.
 */
export declare class Uspacy extends UspacyApi {
  /** @throws {ConfigError} when an option is missing or invalid */
  constructor(options: UspacyOptions)
  /** The portal's base URL; a webhook key in it reads `***`. */
  readonly baseUrl: string
  /** Whether `close()` has run. */
  readonly closed: boolean
  /** The key of this portal's pair in `tokenStorage`, or `undefined` when tokens stay in memory. */
  readonly tokenStorageKey: string | undefined
  /** The current token pair, or `null` before sign-in and for webhook clients. */
  tokens(): TokenPair | null
  /** Signs in (or checks the given tokens) now instead of at the first call. */
  authenticate(): Promise<void>
  /** Refreshes the access token now; concurrent callers share one refresh. */
  refresh(): Promise<TokenPair>
  /** Calls any operation by its id (`crm.items.get`) with wire names; resolves with the parsed body. */
  call(opId: string, request?: OperationRequest): Promise<any>
  /** Iterates every item of any paging operation by its id. */
  paginate(opId: string, request?: Omit<OperationRequest, 'body' | 'multipart'>): AsyncIterableIterator<any>
  /** Releases the tokens and the `onTokens` callback; later calls fail with `ConfigError`. */
  close(): void
}

/** The core's error kinds, as `UspacyError.kind`. */
export type ErrorKind =
  | 'api'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'validation'
  | 'rate_limited'
  | 'session_expired'
  | 'duplicate'
  | 'network'
  | 'timeout'
  | 'decode'
  | 'config'
  | 'internal'

/** The base class of every error this package raises. */
export declare class UspacyError extends Error {
  readonly kind: ErrorKind
  /** The HTTP status, when a response arrived. */
  readonly status?: number
  /** The HTTP method of the failed request. */
  readonly method?: string
  /** The request URL; a webhook key in it reads `***`. */
  readonly url?: string
  /** The raw response body as text, JSON or not. */
  readonly body?: string
  /** Whether the same request may succeed later without changes. */
  readonly retryable: boolean
}

/** A non-2xx response from the portal. */
export declare class ApiError extends UspacyError {
  readonly status: number
  /** Validation messages per field, from an `errors: {field: [..]}` body. */
  readonly fieldErrors: Record<string, string[]>
}

/** 401: the credentials were rejected, or still were after one refresh. */
export declare class Unauthorized extends ApiError {}
/** 403: the user may not do this. */
export declare class Forbidden extends ApiError {}
/** 404: no such resource or route. */
export declare class NotFound extends ApiError {}
/** 422 (or 400 with field errors): the request body or query is invalid. */
export declare class ValidationError extends ApiError {}

/** 429 after the allowed retries. */
export declare class RateLimited extends ApiError {
  /** Seconds the server asked to wait (`Retry-After`), when it sent one. */
  readonly retryAfter?: number
}

/** The messenger's duplicate-key response: a message or chat with that id exists. */
export declare class Duplicate extends ApiError {}

/** The refresh token was rejected or the session cannot be renewed; sign in again. */
export declare class SessionExpired extends UspacyError {}

/**
 * The request could not be sent or the connection broke. In a browser this
 * includes a request that CORS blocked and a device that is offline: the
 * browser reports both the same way, without a status.
 */
export declare class NetworkError extends UspacyError {}

/** The request, or the connection attempt, timed out. */
export declare class TimeoutError extends NetworkError {}

/** A 2xx response whose body does not have the expected shape. */
export declare class DecodeError extends UspacyError {
  /** The JSON path of the value that could not be read (`data[3].amount`). */
  readonly jsonPath?: string
}

/** Invalid options or arguments, found before anything was sent. */
export declare class ConfigError extends UspacyError {}
