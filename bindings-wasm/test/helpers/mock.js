// Starts the `uspacy-mock` portal on an ephemeral loopback port and wraps
// its `/__mock/*` control routes. Used by the Node.js suite and by the
// browser suite's runner.

import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import readline from 'node:readline'
import { fileURLToPath } from 'node:url'

import { MockControl } from '../shared/mock-control.js'

export const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
export const WORKSPACE_DIR = path.resolve(PACKAGE_DIR, '..')

/** Finds the mock binary: `USPACY_MOCK_BIN`, else the newest cargo build of it. */
export function mockBinary() {
  if (process.env.USPACY_MOCK_BIN) {
    return process.env.USPACY_MOCK_BIN
  }
  const targetDir = process.env.CARGO_TARGET_DIR ?? path.join(WORKSPACE_DIR, 'target')
  const candidates = [
    path.join(targetDir, 'x86_64-unknown-linux-gnu', 'debug', 'uspacy-mock'),
    path.join(targetDir, 'debug', 'uspacy-mock'),
  ]
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
export async function startMock(args = []) {
  const child = spawn(mockBinary(), ['--host', '127.0.0.1', '--port', '0', '--json', ...args], {
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
  recordPid(child)
  return new Mock(child, JSON.parse(firstLine))
}

/**
 * Writes the process id to `$USPACY_WEB_PID_DIR/<pid>.pid` while the
 * process runs, so scripts/test.sh can stop what a crashed run left.
 */
export function recordPid(child) {
  const dir = process.env.USPACY_WEB_PID_DIR
  if (!dir) {
    return
  }
  const file = path.join(dir, `${child.pid}.pid`)
  fs.writeFileSync(file, `${child.pid}\n`)
  child.once('exit', () => fs.rmSync(file, { force: true }))
}

/** A mock process and its control routes. */
export class Mock extends MockControl {
  constructor(child, info) {
    super(info)
    this.child = child
  }

  async stop() {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve))
      this.child.kill('SIGTERM')
      await exited
    }
  }
}

/** A `Storage`-like object in memory, for `tokenStorage` in Node.js. */
export class MemoryStorage {
  #items = new Map()

  getItem(key) {
    return this.#items.has(key) ? this.#items.get(key) : null
  }

  setItem(key, value) {
    this.#items.set(key, String(value))
  }

  removeItem(key) {
    this.#items.delete(key)
  }

  get length() {
    return this.#items.size
  }
}
