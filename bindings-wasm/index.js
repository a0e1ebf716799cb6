// The npm package `uspacy-web`: a client for the Uspacy REST API on the
// SDK's Rust core, compiled to WebAssembly. Importing it instantiates the
// module once (a top-level await).
export { Uspacy } from './lib/client.js'
export { UspacyApi } from './lib/generated/api.js'
export { TokenPair } from './lib/tokens.js'
export {
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
} from './lib/errors.js'
