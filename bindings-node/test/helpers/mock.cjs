'use strict'

// Starts the `uspacy-mock` portal on an ephemeral loopback port for one
// test file and wraps its `/__mock/*` control routes.

const { spawn } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')
const readline = require('node:readline')

const PACKAGE_DIR = path.resolve(__dirname, '..', '..')
const WORKSPACE_DIR = path.resolve(PACKAGE_DIR, '..')

/** Finds the mock binary: `USPACY_MOCK_BIN`, else the newest cargo build of it. */
function mockBinary() {
  if (process.env.USPACY_MOCK_BIN) {
    return process.env.USPACY_MOCK_BIN
  }
  const targetDir = process.env.CARGO_TARGET_DIR ?? path.join(WORKSPACE_DIR, 'target')
  const candidates = [
    path.join(targetDir, 'x86_64-unknown-linux-gnu', 'debug', 'uspacy-mock'),
    path.join(targetDir, 'debug', 'uspacy-mock'),
  ]
  if (process.env.CARGO_BUILD_TARGET) {
    candidates.unshift(path.join(targetDir, process.env.CARGO_BUILD_TARGET, 'debug', 'uspacy-mock'))
  }
  const found = candidates
    .filter((candidate) => fs.existsSync(candidate))
    .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)
  if (found.length === 0) {
    throw new Error(
      `uspacy-mock not found (looked in ${candidates.join(', ')}): ` +
        'build it with `cargo build -p uspacy-mock` or set USPACY_MOCK_BIN',
    )
  }
  return found[0]
}

/**
 * Starts a mock portal and resolves with its startup JSON plus control
 * helpers. Extra command-line arguments (`--deals 10`) go to the binary.
 */
async function startMock(args = []) {
  const child = spawn(mockBinary(), ['--port', '0', '--json', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, RUST_LOG: process.env.RUST_LOG ?? 'warn' },
  })
  let stderr = ''
  child.stderr.on('data', (chunk) => {
    stderr += chunk
  })

  const lines = readline.createInterface({ input: child.stdout })
  const firstLine = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`uspacy-mock printed nothing in 20 s: ${stderr}`)), 20_000)
    lines.once('line', (line) => {
      clearTimeout(timer)
      resolve(line)
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`uspacy-mock exited with ${code}: ${stderr}`))
    })
  })
  lines.close()
  const info = JSON.parse(firstLine)
  return new Mock(child, info)
}

class Mock {
  constructor(child, info) {
    this.child = child
    /** The startup JSON: base_url, email, password, client_id, ... */
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

  /** Returns the recorded requests, each with its query decoded into `params`. */
  async requests() {
    const list = await this.control('GET', 'requests')
    return list.map((request) => ({
      ...request,
      params: new URLSearchParams(request.query ?? ''),
      header(name) {
        const found = request.headers.find(([key]) => key === name.toLowerCase())
        return found ? found[1] : undefined
      },
    }))
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

  async stop() {
    if (this.child.exitCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve))
      this.child.kill('SIGTERM')
      await exited
    }
  }
}

module.exports = { startMock, PACKAGE_DIR, WORKSPACE_DIR }
