/**
 * The token pair of both npm packages. The tokens stay out of
 * `console.log`, `util.inspect` and a browser's developer tools.
 */

/** The key Node.js's `util.inspect` (and so `console.log`) looks up. */
const INSPECT = Symbol.for('nodejs.util.inspect.custom')

// The tokens live in this map rather than in fields, so that neither
// `console.log` in Node.js nor a browser's developer tools, which both list
// private fields, shows them.
const SECRETS = new WeakMap()

/**
 * A token pair. The tokens are readable through getters but stay out of
 * `console.log`; `JSON.stringify` writes them all, for persisting the pair.
 */
class TokenPair {
  /** @param {{accessToken: string, refreshToken?: string|null, expiresAt?: number|null}} fields */
  constructor({ accessToken, refreshToken, expiresAt }) {
    SECRETS.set(this, { accessToken, refreshToken: refreshToken ?? null })
    /** When the access token expires, in seconds since the Unix epoch, or `null`. */
    this.expiresAt = expiresAt ?? null
    Object.freeze(this)
  }

  /** The access token (a JWT). */
  get accessToken() {
    return SECRETS.get(this).accessToken
  }

  /** The refresh token, or `null` when the portal sent none. */
  get refreshToken() {
    return SECRETS.get(this).refreshToken
  }

  /** `{accessToken, refreshToken, expiresAt}`, for storage. */
  toJSON() {
    const { accessToken, refreshToken } = SECRETS.get(this)
    return { accessToken, refreshToken, expiresAt: this.expiresAt }
  }

  /** Returns the redacted form, without the tokens. */
  toString() {
    return `TokenPair { accessToken: '***', refreshToken: ${this.refreshToken === null ? 'null' : "'***'"}, expiresAt: ${this.expiresAt} }`
  }

  [INSPECT](depth, options, inspectFn) {
    const redacted = {
      accessToken: '***',
      refreshToken: this.refreshToken === null ? null : '***',
      expiresAt: this.expiresAt,
    }
    return typeof inspectFn === 'function' ? `TokenPair ${inspectFn(redacted, options)}` : this.toString()
  }
}

__EXPORTS__ { INSPECT, TokenPair }
