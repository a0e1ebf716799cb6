'use strict'

/**
 * The npm package `uspacy`: a client for the Uspacy REST API built on the
 * SDK's Rust core. CommonJS entry; `index.mjs` re-exports it for ESM, so
 * both share one set of classes and `instanceof` works across them.
 */

const { Uspacy } = require('./lib/client')
const { UspacyApi } = require('./lib/generated/api')
const { TokenPair } = require('./lib/tokens')
const errors = require('./lib/errors')

module.exports = {
  Uspacy,
  UspacyApi,
  TokenPair,
  UspacyError: errors.UspacyError,
  ApiError: errors.ApiError,
  Unauthorized: errors.Unauthorized,
  Forbidden: errors.Forbidden,
  NotFound: errors.NotFound,
  ValidationError: errors.ValidationError,
  RateLimited: errors.RateLimited,
  Duplicate: errors.Duplicate,
  SessionExpired: errors.SessionExpired,
  NetworkError: errors.NetworkError,
  TimeoutError: errors.TimeoutError,
  DecodeError: errors.DecodeError,
  ConfigError: errors.ConfigError,
}
