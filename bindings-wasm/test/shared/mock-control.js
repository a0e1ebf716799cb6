// The control routes of a running `uspacy-mock` (`/__mock/*`) over fetch.
// Works in Node.js and in the browser: the mock sends CORS headers on its
// control routes.

export class MockControl {
  /** @param {object} info the mock's startup JSON (`base_url`, `email`, ...) */
  constructor(info) {
    this.info = info
    this.baseUrl = info.base_url
  }

  async control(method, route, body) {
    const response = await fetch(`${this.baseUrl}/__mock/${route}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await response.text()
    if (!response.ok) {
      throw new Error(`${method} /__mock/${route} answered ${response.status}: ${text}`)
    }
    return text === '' ? null : JSON.parse(text)
  }

  /** Adds one fault or a list of them. */
  fault(spec) {
    return this.control('POST', 'faults', spec)
  }

  /** Clears faults and recorded requests. */
  async reset() {
    await this.control('DELETE', 'faults')
    await this.control('DELETE', 'requests')
  }

  /** Returns the recorded requests, each with a `header(name)` helper. */
  async requests() {
    const list = await this.control('GET', 'requests')
    return list.map((request) => ({
      ...request,
      header(name) {
        const found = request.headers.find(([key]) => key === name.toLowerCase())
        return found ? found[1] : undefined
      },
    }))
  }

  /** Counts the recorded requests to `METHOD /path`. */
  async count(route) {
    const recorded = await this.requests()
    return recorded.filter((request) => `${request.method} ${request.path}` === route).length
  }

  /** Issues a fresh token pair; `lifetimeSecs` below zero gives an expired one. */
  tokens(lifetimeSecs) {
    return this.control('POST', 'tokens', lifetimeSecs === undefined ? {} : { lifetime_secs: lifetimeSecs })
  }

  /** Options for a client that signs in with the mock's e-mail and password. */
  passwordOptions(extra = {}) {
    return {
      baseUrl: this.baseUrl,
      credentials: { email: this.info.email, password: this.info.password },
      retry: { initialBackoff: 0.01, maxBackoff: 0.05 },
      ...extra,
    }
  }
}
