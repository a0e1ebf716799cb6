/**
 * The error classes of the SDK, one per kind of the core's `ErrorKind`,
 * all extending `UspacyError`. The native part (the Node.js addon, or the
 * WebAssembly module of `uspacy-web`) reports a failure as a plain object,
 * `ErrorInfo`, and `fromInfo` turns it into the matching class. Both
 * packages get this same file, so code that catches these classes runs on
 * both.
 */

/** The base class of every error this package raises. */
class UspacyError extends Error {
  /**
   * @param {string} message
   * @param {object} [details] the fields of the native `ErrorInfo`
   */
  constructor(message, details = {}) {
    super(message)
    this.name = new.target.name
    /** The core's error kind: `not_found`, `rate_limited`, `network`, ... */
    this.kind = details.kind ?? 'internal'
    /** The HTTP status, when a response arrived. */
    this.status = details.status
    /** The HTTP method of the failed request. */
    this.method = details.method
    /** The request URL; a webhook key in it reads `***`. */
    this.url = details.url
    /** The raw response body as text, JSON or not. */
    this.body = details.body
    /** Whether the same request may succeed later without changes. */
    this.retryable = details.retryable ?? false
  }
}

/** A non-2xx response from the portal. */
class ApiError extends UspacyError {
  constructor(message, details = {}) {
    super(message, details)
    /** Validation messages per field, from an `errors: {field: [..]}` body. */
    this.fieldErrors = details.fieldErrors ?? {}
  }
}

/** 401: the credentials were rejected, or still were after one refresh. */
class Unauthorized extends ApiError {}

/** 403: the user may not do this. */
class Forbidden extends ApiError {}

/** 404: no such resource or route. */
class NotFound extends ApiError {}

/** 422 (or 400 with field errors): the request body or query is invalid. */
class ValidationError extends ApiError {}

/** 429 after the allowed retries. */
class RateLimited extends ApiError {
  constructor(message, details = {}) {
    super(message, details)
    /** Seconds the server asked to wait (`Retry-After`), when it sent one. */
    this.retryAfter = details.retryAfter
  }
}

/** The messenger's duplicate-key response: a message or chat with that id exists. */
class Duplicate extends ApiError {}

/**
 * The refresh token was rejected, or an access token expired with no way
 * to renew it. The client makes no further refresh attempts: build a new
 * one with fresh credentials.
 */
class SessionExpired extends UspacyError {}

/** The request could not be sent or the connection broke. */
class NetworkError extends UspacyError {}

/** The request, or the connection attempt, timed out. */
class TimeoutError extends NetworkError {}

/** A 2xx response whose body does not have the expected shape. */
class DecodeError extends UspacyError {
  constructor(message, details = {}) {
    super(message, details)
    /** The JSON path of the value that could not be read (`data[3].amount`). */
    this.jsonPath = details.jsonPath
  }
}

/** Invalid options or arguments, found before anything was sent. */
class ConfigError extends UspacyError {
  constructor(message, details = {}) {
    super(message, { ...details, kind: 'config' })
  }
}

const CLASS_BY_KIND = {
  api: ApiError,
  unauthorized: Unauthorized,
  forbidden: Forbidden,
  not_found: NotFound,
  validation: ValidationError,
  rate_limited: RateLimited,
  session_expired: SessionExpired,
  duplicate: Duplicate,
  network: NetworkError,
  timeout: TimeoutError,
  decode: DecodeError,
  config: ConfigError,
}

/**
 * Builds the error for a native `ErrorInfo`. A kind this version does not
 * know becomes a plain `UspacyError` that still carries every field.
 */
function fromInfo(info) {
  const ErrorClass = CLASS_BY_KIND[info.kind] ?? UspacyError
  return new ErrorClass(info.message, info)
}

__EXPORTS__ {
  UspacyError,
  ApiError,
  Unauthorized,
  Forbidden,
  NotFound,
  ValidationError,
  RateLimited,
  Duplicate,
  SessionExpired,
  NetworkError,
  TimeoutError,
  DecodeError,
  ConfigError,
  fromInfo,
}
