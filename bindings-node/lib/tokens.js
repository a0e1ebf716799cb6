'use strict'

const { inspect } = require('node:util')

/**
 * A token pair. The tokens are readable through getters but stay out of
 * `console.log` and `util.inspect`; `JSON.stringify` writes them all, for
 * persisting the pair.
 */
class TokenPair {
  #accessToken
  #refreshToken

  /** @param {{accessToken: string, refreshToken?: string|null, expiresAt?: number|null}} fields */
  constructor({ accessToken, refreshToken, expiresAt }) {
    this.#accessToken = accessToken
    this.#refreshToken = refreshToken ?? null
    /** When the access token expires, in seconds since the Unix epoch, or `null`. */
    this.expiresAt = expiresAt ?? null
    Object.freeze(this)
  }

  /** The access token (a JWT). */
  get accessToken() {
    return this.#accessToken
  }

  /** The refresh token, or `null` when the portal sent none. */
  get refreshToken() {
    return this.#refreshToken
  }

  /** `{accessToken, refreshToken, expiresAt}`, for storage. */
  toJSON() {
    return {
      accessToken: this.#accessToken,
      refreshToken: this.#refreshToken,
      expiresAt: this.expiresAt,
    }
  }

  [inspect.custom](depth, options, inspectFn = inspect) {
    const redacted = {
      accessToken: '***',
      refreshToken: this.#refreshToken === null ? null : '***',
      expiresAt: this.expiresAt,
    }
    return `TokenPair ${inspectFn(redacted, options)}`
  }
}

module.exports = { TokenPair }
