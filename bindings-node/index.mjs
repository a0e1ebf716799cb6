// ESM entry of `uspacy`: the CommonJS module's exports under their names,
// so ESM and CommonJS callers share one set of classes.
import cjs from './index.js'

export const {
  Uspacy,
  UspacyApi,
  TokenPair,
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
} = cjs
