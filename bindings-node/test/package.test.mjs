// The package as users load it: by name through `exports`, from ESM and
// CommonJS, in scripts that must exit on their own. Also the drift check
// of the generated files and the TypeScript declarations.

import assert from 'node:assert/strict'
import { execFile, spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, before, test } from 'node:test'
import { promisify } from 'node:util'

import mockHelpers from './helpers/mock.cjs'

const run = promisify(execFile)
const { PACKAGE_DIR, WORKSPACE_DIR } = mockHelpers

let mock
let projectDir

before(async () => {
  mock = await mockHelpers.startMock()
  // A project that depends on the package, as after `npm install uspacy`.
  projectDir = fs.mkdtempSync(path.join(os.tmpdir(), 'uspacy-user-'))
  fs.mkdirSync(path.join(projectDir, 'node_modules'))
  fs.symlinkSync(PACKAGE_DIR, path.join(projectDir, 'node_modules', 'uspacy'), 'dir')
})

after(async () => {
  await mock.stop()
  fs.rmSync(projectDir, { recursive: true, force: true })
})

/**
 * Runs `source` as a file of the user project and resolves with its exit
 * code, output and run time; kills it after `timeoutMs`.
 */
function runScript(fileName, source, timeoutMs = 10_000) {
  const file = path.join(projectDir, fileName)
  fs.writeFileSync(file, source)
  const started = Date.now()
  const child = spawn(process.execPath, [file], {
    cwd: projectDir,
    env: { ...process.env, MOCK_BASE_URL: mock.baseUrl, MOCK_EMAIL: mock.info.email, MOCK_PASSWORD: mock.info.password },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (chunk) => {
    output += chunk
  })
  child.stderr.on('data', (chunk) => {
    output += chunk
  })
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('exit', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, output, elapsedMs: Date.now() - started })
    })
  })
}

const CALLS = `
  const pairs = []
  const client = new Uspacy({
    baseUrl: process.env.MOCK_BASE_URL,
    credentials: { email: process.env.MOCK_EMAIL, password: process.env.MOCK_PASSWORD },
    onTokens: (pair) => pairs.push(pair),
  })
  // Still referenced at the end, as a long-lived client of an app is, so
  // garbage collection cannot be what lets the process exit.
  globalThis.client = client
  const page = await client.crm.items.list('deals', { list: 5 })
  let seen = 0
  for await (const deal of client.crm.items.iter('deals', { list: 20 })) {
    seen += 1
    if (seen === 30) break
  }
  await client.refresh()
  console.log(JSON.stringify({ listed: page.data.length, seen, pairs: pairs.length }))
`

test('CommonJS script exits by itself', async () => {
  const source = `const { Uspacy, NotFound } = require('uspacy')\n;(async () => {${CALLS}\n  console.log(typeof NotFound)\n})()\n`

  const result = await runScript('calls.cjs', source)

  assert.equal(result.signal, null, `killed after ${result.elapsedMs} ms: ${result.output}`)
  assert.equal(result.code, 0, result.output)
  assert.ok(result.elapsedMs < 5000, `took ${result.elapsedMs} ms`)
  const [summary, type] = result.output.trim().split('\n')
  assert.deepEqual(JSON.parse(summary), { listed: 5, seen: 30, pairs: 2 })
  assert.equal(type, 'function')
})

test('ESM script exits by itself', async () => {
  const source = `import { Uspacy } from 'uspacy'\n${CALLS}\n`

  const result = await runScript('calls.mjs', source)

  assert.equal(result.signal, null, `killed after ${result.elapsedMs} ms: ${result.output}`)
  assert.equal(result.code, 0, result.output)
  assert.ok(result.elapsedMs < 5000, `took ${result.elapsedMs} ms`)
  assert.deepEqual(JSON.parse(result.output.trim()), { listed: 5, seen: 30, pairs: 2 })
})

test('ESM and CommonJS share one set of classes', async () => {
  const source = `
    import { createRequire } from 'node:module'
    import * as esm from 'uspacy'
    const cjs = createRequire(import.meta.url)('uspacy')
    const names = Object.keys(cjs).sort()
    const same = names.every((name) => esm[name] === cjs[name])
    let caught
    try {
      new esm.Uspacy({ domain: '' })
    } catch (error) {
      caught = error
    }
    console.log(JSON.stringify({
      names,
      same,
      esmNames: Object.keys(esm).sort(),
      instance: caught instanceof cjs.ConfigError && caught instanceof esm.UspacyError,
    }))
  `

  const result = await runScript('identity.mjs', source)

  assert.equal(result.code, 0, result.output)
  const report = JSON.parse(result.output.trim())
  assert.equal(report.same, true)
  assert.deepEqual(report.esmNames, report.names)
  assert.ok(report.names.includes('Uspacy'))
  assert.ok(report.names.includes('RateLimited'))
  assert.equal(report.instance, true)
})

test('packed tarball installs into a fresh folder and runs', { timeout: 300_000 }, async () => {
  // What a user gets from `npm install <tarball>`: only the files the
  // package lists, installed without the workspace around them.
  const packDir = fs.mkdtempSync(path.join(os.tmpdir(), 'uspacy-pack-'))
  const appDir = fs.mkdtempSync(path.join(os.tmpdir(), 'uspacy-app-'))
  try {
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', packDir], { cwd: PACKAGE_DIR, maxBuffer: 16 << 20 })
    const [packed] = JSON.parse(stdout)
    const tarball = path.join(packDir, packed.filename)
    const packedFiles = packed.files.map((file) => file.path)
    assert.ok(packedFiles.some((file) => file.startsWith('native/') && file.endsWith('.node')), 'the addon is packed')
    assert.ok(!packedFiles.some((file) => file.startsWith('src/') || file.startsWith('test/')), 'sources and tests are not packed')

    fs.writeFileSync(path.join(appDir, 'package.json'), JSON.stringify({ name: 'uspacy-sample-app', private: true }))
    await run('npm', ['install', '--no-audit', '--no-fund', '--offline', tarball], { cwd: appDir, maxBuffer: 16 << 20 })
    const sample = `const { Uspacy } = require('uspacy')\n;(async () => {${CALLS}\n})()\n`
    fs.writeFileSync(path.join(appDir, 'sample.cjs'), sample)

    const child = await run(process.execPath, ['sample.cjs'], {
      cwd: appDir,
      timeout: 20_000,
      env: { ...process.env, MOCK_BASE_URL: mock.baseUrl, MOCK_EMAIL: mock.info.email, MOCK_PASSWORD: mock.info.password },
    })
    assert.deepEqual(JSON.parse(child.stdout.trim()), { listed: 5, seen: 30, pairs: 2 })
    assert.ok(fs.realpathSync(path.join(appDir, 'node_modules', 'uspacy')).startsWith(fs.realpathSync(appDir)), 'installed as a copy, not a link')
  } finally {
    fs.rmSync(packDir, { recursive: true, force: true })
    fs.rmSync(appDir, { recursive: true, force: true })
  }
})

test('a client that is never closed does not hold the process', async () => {
  const source = `
    const { Uspacy } = require('uspacy')
    const client = new Uspacy({
      baseUrl: process.env.MOCK_BASE_URL,
      credentials: { email: process.env.MOCK_EMAIL, password: process.env.MOCK_PASSWORD },
      onTokens: () => {
        throw new Error('store failed')
      },
    })
    globalThis.client = client
    client.authenticate().then(() => console.log('signed in'))
  `

  const result = await runScript('forgotten.cjs', source)

  assert.equal(result.signal, null, `killed after ${result.elapsedMs} ms: ${result.output}`)
  assert.equal(result.code, 0, result.output)
  assert.match(result.output, /signed in/)
  assert.match(result.output, /the onTokens callback failed: store failed/)
})

test('a token provider does not hold the process', async () => {
  const issued = await mock.tokens()
  const source = `
    const { Uspacy } = require('uspacy')
    globalThis.client = new Uspacy({
      baseUrl: process.env.MOCK_BASE_URL,
      credentials: { tokenProvider: async () => ${JSON.stringify(issued.access_token)} },
    })
    globalThis.client.crm.items.list('deals', { list: 1 }).then((page) => console.log('deals', page.data.length))
  `

  const result = await runScript('provider.cjs', source)

  assert.equal(result.signal, null, `killed after ${result.elapsedMs} ms: ${result.output}`)
  assert.equal(result.code, 0, result.output)
  assert.match(result.output, /deals 1/)
})

test('generated files match the operation table', { timeout: 600_000 }, async (context) => {
  const env = { ...process.env }
  env.CARGO_BUILD_TARGET ??= await hostTriple()

  // The check covers every package's generated files; this package's test
  // fails only on its own, and reports the others.
  const result = await run('cargo', ['run', '--quiet', '-p', 'uspacy-codegen', '--', '--check'], {
    cwd: WORKSPACE_DIR,
    env,
    maxBuffer: 16 * 1024 * 1024,
  }).then(
    () => ({ ok: true, stderr: '' }),
    (error) => ({ ok: false, stderr: String(error.stderr) }),
  )

  if (!result.ok) {
    assert.match(result.stderr, /generated files differ/, `uspacy-codegen --check failed:\n${result.stderr}`)
    assert.doesNotMatch(result.stderr, /bindings-node\//, result.stderr)
    context.diagnostic(`other packages' generated files are stale: ${result.stderr.trim()}`)
  }
})

test('TypeScript declarations type-check', { timeout: 120_000 }, async (context) => {
  const tsc = path.join(PACKAGE_DIR, 'node_modules', 'typescript', 'bin', 'tsc')
  if (!fs.existsSync(tsc)) {
    context.skip('typescript is not installed (npm install)')
    return
  }

  await run(process.execPath, [tsc, '-p', path.join(PACKAGE_DIR, 'test', 'types', 'tsconfig.json')], {
    cwd: PACKAGE_DIR,
  }).catch((error) => {
    assert.fail(`tsc reported errors:\n${error.stdout}${error.stderr}`)
  })
})

async function hostTriple() {
  const { stdout } = await run('rustc', ['-vV'])
  return stdout.match(/^host: (\S+)$/m)[1]
}
