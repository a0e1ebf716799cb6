// The package as published: its manifest, its exports and declarations
// against the Node.js package `uspacy`, the TypeScript check, and the
// size budget of the WebAssembly module.

import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { test } from 'node:test'

import * as web from '../index.js'
import { PACKAGE_DIR, WORKSPACE_DIR } from './helpers/mock.js'

const NODE_DIR = path.join(WORKSPACE_DIR, 'bindings-node')

/**
 * The largest gzipped module allowed: the size measured when the budget was
 * set (220,870 bytes with `gzip -9`, wasm-bindgen 0.2.130, binaryen 132,
 * Rust 1.95) plus 10%. README.md records the same numbers.
 */
const GZIP_BUDGET_BYTES = 242_957

const read = (...parts) => fs.readFileSync(path.join(...parts), 'utf8')

/**
 * Undoes the documented differences between the generated declarations of
 * the two packages (the `Flavor` struct in codegen/src/typescript.rs), so
 * the rest can be compared byte for byte.
 */
function asNodeDeclarations(text) {
  return text
    .replace(
      "  /** The file content: a `Blob` or `File` (from `<input type=\"file\">`), a `Uint8Array` or an `ArrayBuffer`. */\n  data: Blob | Uint8Array | ArrayBuffer\n",
      '  /** The file content; a Node.js `Buffer` is a `Uint8Array`. */\n  data: Uint8Array\n',
    )
    .replace('the WebAssembly transport of this package', 'the native transport of this package')
    .replace("} from './models.js'", "} from './models'")
}

test('generated api.d.ts equals the Node.js package except the documented points', () => {
  const webText = read(PACKAGE_DIR, 'lib', 'generated', 'api.d.ts')
  const nodeText = read(NODE_DIR, 'lib', 'generated', 'api.d.ts')
  assert.notEqual(webText, nodeText, 'the web declarations should take Blob uploads')
  assert.equal(asNodeDeclarations(webText), nodeText)
})

test('generated models.d.ts is identical in both packages', () => {
  assert.equal(read(PACKAGE_DIR, 'lib', 'generated', 'models.d.ts'), read(NODE_DIR, 'lib', 'generated', 'models.d.ts'))
})

test('generated api.js differs from the Node.js package only in module syntax', () => {
  const webText = read(PACKAGE_DIR, 'lib', 'generated', 'api.js')
  const nodeText = read(NODE_DIR, 'lib', 'generated', 'api.js')
  const asCommonJs = webText
    .replace(
      "generator again.\n\nimport { ConfigError } from '../errors.js'\n",
      "generator again.\n'use strict'\n\nconst { ConfigError } = require('../errors')\n",
    )
    .replace('export { UspacyApi, wireQuery }\n', 'module.exports = { UspacyApi, wireQuery }\n')
  assert.equal(asCommonJs, nodeText)
})

test('the package exports the same names as the Node.js package', () => {
  const nodeIndex = read(NODE_DIR, 'index.js')
  const block = nodeIndex.slice(nodeIndex.indexOf('module.exports = {'))
  const nodeNames = [...block.matchAll(/^\s+(\w+)[,:]/gm)].map((match) => match[1]).sort()
  assert.ok(nodeNames.length >= 15, nodeNames.join(', '))
  assert.deepEqual(Object.keys(web).sort(), nodeNames)
})

test('index.d.ts declares everything the Node.js package declares', () => {
  const declared = (text) =>
    new Set([...text.matchAll(/^export (?:declare class|interface|type) (\w+)/gm)].map((match) => match[1]))
  const nodeNames = declared(read(NODE_DIR, 'index.d.ts'))
  const webNames = declared(read(PACKAGE_DIR, 'index.d.ts'))
  for (const name of nodeNames) {
    assert.ok(webNames.has(name), `index.d.ts lacks ${name}`)
  }
  const members = (text) => {
    const body = text.slice(text.indexOf('export declare class Uspacy extends UspacyApi {'))
    return new Set([...body.slice(0, body.indexOf('\n}\n')).matchAll(/^ {2}(?:readonly )?(\w+)[(:]/gm)].map((m) => m[1]))
  }
  const webMembers = members(read(PACKAGE_DIR, 'index.d.ts'))
  for (const member of members(read(NODE_DIR, 'index.d.ts'))) {
    assert.ok(webMembers.has(member), `Uspacy lacks ${member}`)
  }
})

test('the error classes keep their names and hierarchy', () => {
  for (const name of ['ApiError', 'Unauthorized', 'Forbidden', 'NotFound', 'ValidationError', 'RateLimited', 'Duplicate']) {
    assert.ok(web[name].prototype instanceof web.ApiError || web[name] === web.ApiError, name)
    assert.equal(new web[name]('x').name, name)
  }
  assert.ok(web.TimeoutError.prototype instanceof web.NetworkError)
  for (const name of ['SessionExpired', 'NetworkError', 'DecodeError', 'ConfigError', 'ApiError']) {
    assert.ok(web[name].prototype instanceof web.UspacyError, name)
  }
  assert.equal(new web.ConfigError('x').kind, 'config')
})

test('package.json serves bundlers and plain module scripts', () => {
  const manifest = JSON.parse(read(PACKAGE_DIR, 'package.json'))
  assert.equal(manifest.name, 'uspacy-web')
  assert.equal(manifest.type, 'module')
  assert.equal(manifest.sideEffects, false)
  assert.equal(manifest.types, './index.d.ts')
  assert.deepEqual(manifest.exports['.'], { types: './index.d.ts', default: './index.js' })
  for (const file of ['index.js', 'index.d.ts', 'lib/', 'pkg/uspacy_web.js', 'pkg/uspacy_web_bg.wasm']) {
    assert.ok(manifest.files.includes(file), `files lacks ${file}`)
  }
  // Every module the entry reaches is a relative import that a browser can
  // load without an import map.
  for (const file of ['index.js', ...fs.readdirSync(path.join(PACKAGE_DIR, 'lib')).filter((f) => f.endsWith('.js')).map((f) => `lib/${f}`)]) {
    for (const [, specifier] of read(PACKAGE_DIR, file).matchAll(/^(?:import|export)[^'"]*from '([^']+)'/gm)) {
      assert.ok(specifier.startsWith('./') || specifier.startsWith('../'), `${file} imports ${specifier}`)
      assert.ok(specifier.endsWith('.js'), `${file} imports ${specifier} without its extension`)
    }
  }
})

test('the declarations compile with TypeScript (bundler and nodenext resolution)', () => {
  const tsc = path.join(PACKAGE_DIR, 'node_modules', '.bin', 'tsc')
  execFileSync(tsc, ['-p', path.join(PACKAGE_DIR, 'test', 'types', 'tsconfig.json')], { stdio: 'pipe' })
  execFileSync(tsc, ['-p', path.join(PACKAGE_DIR, 'test', 'types', 'tsconfig.nodenext.json')], { stdio: 'pipe' })
})

test('the gzipped module stays within its size budget', () => {
  const size = JSON.parse(read(PACKAGE_DIR, 'pkg', 'size.json'))
  assert.equal(size.profile, 'wasm-release', 'run scripts/build.sh without --dev to measure the release module')
  const actual = fs.statSync(path.join(PACKAGE_DIR, 'pkg', 'uspacy_web_bg.wasm')).size
  assert.equal(size.finalBytes, actual, 'pkg/size.json is stale: rebuild with scripts/build.sh')
  assert.ok(
    size.gzipBytes <= GZIP_BUDGET_BYTES,
    `the gzipped module is ${size.gzipBytes} bytes, over the budget of ${GZIP_BUDGET_BYTES}: ` +
      'shrink it, or raise the budget in this test and README.md with the reason',
  )
})
