// Replays every case of tests/conformance/*.json against the WebAssembly
// package in Node.js, each on a fresh mock portal. The browser suite
// replays the same cases in Chromium.

import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { describe, test } from 'node:test'

import { Uspacy } from '../index.js'
import { WORKSPACE_DIR, startMock } from './helpers/mock.js'
import { runCase } from './shared/conformance.js'

const CASES_DIR = path.join(WORKSPACE_DIR, 'tests', 'conformance')

const files = fs
  .readdirSync(CASES_DIR)
  .filter((name) => name.endsWith('.json'))
  .sort()

test('conformance cases are present', () => {
  const total = files.reduce((sum, file) => sum + JSON.parse(fs.readFileSync(path.join(CASES_DIR, file), 'utf8')).length, 0)
  assert.ok(total >= 40, `only ${total} cases`)
})

for (const file of files) {
  const cases = JSON.parse(fs.readFileSync(path.join(CASES_DIR, file), 'utf8'))
  describe(file, () => {
    for (const testCase of cases) {
      test(testCase.name, { timeout: 60_000 }, async () => {
        const mock = await startMock(['--deals', '120'])
        try {
          await runCase(Uspacy, mock, testCase)
        } finally {
          await mock.stop()
        }
      })
    }
  })
}
