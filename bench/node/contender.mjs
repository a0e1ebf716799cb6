// Node.js contenders of the benchmark suite.
//
// Usage: node contender.mjs NAME < spec.json
//        node contender.mjs --check NAME    (exits 0 when NAME can run)
//
// NAME is `uspacy` (the napi addon), `uspacy-web` (the browser/wasm
// package, run under Node), `axios` or `fetch` (hand-written clients that
// send the same requests). The run specification is one JSON object on
// stdin with the fields that bench/driver.py writes; the result is one
// JSON line on stdout.
//
// Environment: USPACY_NODE_PACKAGE is the folder of the `uspacy` npm
// package (default bindings-node), USPACY_WEB_PACKAGE the folder of the
// `uspacy-web` npm package, an ES module (default bindings-wasm).

import { readFileSync, writeFileSync, existsSync } from 'node:fs'
import http from 'node:http'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const benchNodeDir = path.dirname(fileURLToPath(import.meta.url))
const root = path.resolve(benchNodeDir, '..', '..')
const require = createRequire(import.meta.url)

const nodePackage = process.env.USPACY_NODE_PACKAGE || path.join(root, 'bindings-node')
const webPackage = process.env.USPACY_WEB_PACKAGE || path.join(root, 'bindings-wasm')

// --- Measurement -------------------------------------------------------------

/** Reads a `kB` line of /proc/self/status (`VmRSS`, `VmHWM`); 0 elsewhere. */
function statusKb(key) {
  try {
    const line = readFileSync('/proc/self/status', 'utf8')
      .split('\n')
      .find((entry) => entry.startsWith(`${key}:`))
    return line ? Number(line.split(/\s+/)[1]) : 0
  } catch {
    return 0
  }
}

/** Resets VmHWM to the current RSS (Linux 4.0 and later). */
function resetPeakRss() {
  try {
    writeFileSync('/proc/self/clear_refs', '5')
  } catch {
    // Not Linux: the section's peak then includes the setup's.
  }
}

/**
 * Wall time, CPU time of the whole process and RSS around one timed
 * section. Peaks come from VmHWM, not `maxRSS`: a process started with
 * vfork and exec inherits its parent's `ru_maxrss`.
 */
class Section {
  constructor() {
    this.setupPeakKb = statusKb('VmHWM')
    resetPeakRss()
    this.rssBeforeKb = statusKb('VmRSS')
    this.memory = memoryKb()
    this.cpu = process.cpuUsage()
    this.started = process.hrtime.bigint()
  }

  finish(report) {
    report.wall_s = Number(process.hrtime.bigint() - this.started) / 1e9
    const cpu = process.cpuUsage(this.cpu)
    report.cpu_user_s = cpu.user / 1e6
    report.cpu_sys_s = cpu.system / 1e6
    report.rss_before_kb = this.rssBeforeKb
    report.rss_peak_kb = statusKb('VmHWM')
    report.process_peak_kb = Math.max(report.rss_peak_kb, this.setupPeakKb)
    // Where the memory went, to compare with the RSS growth.
    const memory = memoryKb()
    report.memory_growth_kb = Object.fromEntries(
      Object.entries(memory).map(([key, value]) => [key, value - this.memory[key]]),
    )
  }
}

/** Returns the memory that V8 accounts for, in KiB, and the WebAssembly
 * memory of the browser module once it is loaded. */
function memoryKb() {
  const usage = process.memoryUsage()
  const memory = {
    v8_heap: Math.round(usage.heapTotal / 1024),
    external: Math.round(usage.external / 1024),
    array_buffers: Math.round(usage.arrayBuffers / 1024),
  }
  if (webMemory !== null) {
    memory.wasm_memory = Math.round(webMemory.buffer.byteLength / 1024)
  }
  return memory
}

class Failures {
  count = 0
  first = null

  record(error) {
    this.count += 1
    if (this.first === null) {
      this.first = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
    }
  }
}

function checkDeal(deal, dealId) {
  if (deal === null || typeof deal !== 'object' || deal.id !== dealId) {
    throw new Error(`requested deal ${dealId}, got ${JSON.stringify(deal?.id)}`)
  }
}

function checkCreated(deal) {
  if (deal === null || typeof deal !== 'object' || deal.id === undefined || deal.id === null) {
    throw new Error('the created deal has no id')
  }
}

// --- The SDK -----------------------------------------------------------------

function loadUspacy() {
  return require(nodePackage)
}

function packageVersion(folder) {
  return JSON.parse(readFileSync(path.join(folder, 'package.json'), 'utf8')).version
}

/** A client of the SDK's `Uspacy` class, from the addon or the browser module. */
class UspacySdk {
  constructor(Uspacy, spec, accessToken, refreshToken) {
    this.client = new Uspacy({ baseUrl: spec.base_url, credentials: { accessToken, refreshToken } })
  }

  async getDeal(dealId) {
    checkDeal(await this.client.crm.items.get('deals', dealId), dealId)
  }

  async export(total, pageSize) {
    let count = 0
    for await (const item of this.client.crm.items.iter('deals', { page: 1, list: pageSize })) {
      if (item.id === undefined || item.id === null) {
        throw new Error(`deal number ${count} has no id`)
      }
      count += 1
      if (count === total) {
        break
      }
    }
    return count
  }

  async decodePage(pageSize) {
    const page = await this.client.crm.items.list('deals', { page: 1, list: pageSize })
    return [page.data.length, null]
  }

  async createDeal(title) {
    checkCreated(await this.client.crm.items.create('deals', { title }))
  }

  close() {
    this.client.close()
  }
}

class UspacyNode extends UspacySdk {
  constructor(spec, accessToken, refreshToken) {
    super(loadUspacy().Uspacy, spec, accessToken, refreshToken)
  }

  static library() {
    return `uspacy ${packageVersion(nodePackage)} (napi addon)`
  }
}

/** The `uspacy-web` module and its WebAssembly memory; `loadWeb()` must have run. */
let webModule = null
let webMemory = null

/** Imports the browser module, which instantiates its WebAssembly. */
async function loadWeb() {
  const wasm = path.join(webPackage, 'pkg', 'uspacy_web_bg.wasm')
  if (!existsSync(wasm)) {
    throw new Error(`the browser package is not built: ${wasm} does not exist`)
  }
  webModule = await import(pathToFileURL(path.join(webPackage, 'index.js')).href)
  // The glue's init function returns the instance's exports once it is
  // initialized, which importing the package did.
  const glue = await import(pathToFileURL(path.join(webPackage, 'pkg', 'uspacy_web.js')).href)
  webMemory = (await glue.default()).memory
}

/** The browser module, loaded under Node. */
class UspacyWeb extends UspacySdk {
  constructor(spec, accessToken, refreshToken) {
    super(webModule.Uspacy, spec, accessToken, refreshToken)
  }

  static library() {
    // The build script of the package records the cargo profile it used.
    const sizeFile = path.join(webPackage, 'pkg', 'size.json')
    const profile = existsSync(sizeFile) ? JSON.parse(readFileSync(sizeFile, 'utf8')).profile : 'unknown'
    return `uspacy-web ${packageVersion(webPackage)} (wasm, cargo profile ${profile})`
  }
}

// --- Hand-written clients ----------------------------------------------------

/**
 * Token handling shared by the hand-written clients: the access token is
 * renewed once on a 401, however many calls see it, and every call retries
 * once with the new token.
 */
class TokenState {
  constructor(baseUrl, accessToken, refreshToken, renewRequest) {
    this.baseUrl = baseUrl
    this.access = accessToken
    this.refresh = refreshToken
    this.generation = 0
    this.renewal = null
    this.renewRequest = renewRequest
  }

  /** Renews the token of generation `seen`, sharing one renewal. */
  renew(seen) {
    if (this.generation !== seen) {
      return Promise.resolve()
    }
    if (this.renewal === null) {
      this.renewal = this.renewRequest(this.refresh)
        .then(({ jwt, refreshToken }) => {
          this.access = jwt
          this.refresh = refreshToken
          this.generation += 1
        })
        .finally(() => {
          this.renewal = null
        })
    }
    return this.renewal
  }
}

class AxiosClient {
  constructor(spec, accessToken, refreshToken) {
    const axios = require('axios')
    const baseURL = spec.base_url.replace(/\/$/, '')
    this.http = axios.create({
      baseURL,
      httpAgent: new http.Agent({ keepAlive: true }),
      headers: { Accept: 'application/json' },
    })
    this.tokens = new TokenState(baseURL, accessToken, refreshToken, async (refresh) => {
      const response = await this.http.post('/auth/v1/auth/refresh_token', null, {
        headers: { Authorization: `Bearer ${refresh}` },
      })
      return response.data
    })
  }

  static library() {
    return `axios ${require('axios/package.json').version}`
  }

  async send(config) {
    let renewed = false
    for (;;) {
      const generation = this.tokens.generation
      const headers = { ...config.headers, Authorization: `Bearer ${this.tokens.access}` }
      try {
        return await this.http.request({ ...config, headers })
      } catch (error) {
        if (error.response?.status === 401 && !renewed) {
          renewed = true
          await this.tokens.renew(generation)
          continue
        }
        throw error
      }
    }
  }

  async getDeal(dealId) {
    const response = await this.send({ method: 'GET', url: `/crm/v1/entities/deals/${dealId}` })
    checkDeal(response.data, dealId)
  }

  async export(total, pageSize) {
    let count = 0
    for (let page = 1; count < total; page += 1) {
      const { data: body } = await this.send({
        method: 'GET',
        url: '/crm/v1/entities/deals',
        params: { page, list: pageSize },
      })
      for (const item of body.data.slice(0, total - count)) {
        if (item.id === undefined || item.id === null) {
          throw new Error(`deal number ${count} has no id`)
        }
        count += 1
      }
      if (body.data.length === 0 || page >= body.meta.last_page) {
        break
      }
    }
    return count
  }

  async decodePage(pageSize) {
    const response = await this.send({
      method: 'GET',
      url: '/crm/v1/entities/deals',
      params: { page: 1, list: pageSize },
      responseType: 'arraybuffer',
    })
    const started = process.hrtime.bigint()
    const body = parseBytes(response.data)
    return [body.data.length, Number(process.hrtime.bigint() - started) / 1e9]
  }

  async createDeal(title) {
    const response = await this.send({ method: 'POST', url: '/crm/v1/entities/deals', data: { title } })
    checkCreated(response.data)
  }

  close() {
    this.http.defaults.httpAgent.destroy()
  }
}

class FetchClient {
  constructor(spec, accessToken, refreshToken) {
    this.baseUrl = spec.base_url.replace(/\/$/, '')
    this.tokens = new TokenState(this.baseUrl, accessToken, refreshToken, async (refresh) => {
      const response = await fetch(`${this.baseUrl}/auth/v1/auth/refresh_token`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${refresh}`, Accept: 'application/json' },
      })
      if (!response.ok) {
        throw new Error(`refresh failed with status ${response.status}`)
      }
      return response.json()
    })
  }

  static library() {
    return `fetch (undici in Node ${process.versions.node})`
  }

  async send(url, init = {}) {
    let renewed = false
    for (;;) {
      const generation = this.tokens.generation
      const headers = { ...init.headers, Accept: 'application/json', Authorization: `Bearer ${this.tokens.access}` }
      const response = await fetch(`${this.baseUrl}${url}`, { ...init, headers })
      if (response.status === 401 && !renewed) {
        renewed = true
        await response.arrayBuffer()
        await this.tokens.renew(generation)
        continue
      }
      if (!response.ok) {
        throw new Error(`status ${response.status}`)
      }
      return response
    }
  }

  async getDeal(dealId) {
    const response = await this.send(`/crm/v1/entities/deals/${dealId}`)
    checkDeal(await response.json(), dealId)
  }

  async export(total, pageSize) {
    let count = 0
    for (let page = 1; count < total; page += 1) {
      const body = await (await this.send(`/crm/v1/entities/deals?page=${page}&list=${pageSize}`)).json()
      for (const item of body.data.slice(0, total - count)) {
        if (item.id === undefined || item.id === null) {
          throw new Error(`deal number ${count} has no id`)
        }
        count += 1
      }
      if (body.data.length === 0 || page >= body.meta.last_page) {
        break
      }
    }
    return count
  }

  async decodePage(pageSize) {
    const bytes = await (await this.send(`/crm/v1/entities/deals?page=1&list=${pageSize}`)).arrayBuffer()
    const started = process.hrtime.bigint()
    const body = parseBytes(bytes)
    return [body.data.length, Number(process.hrtime.bigint() - started) / 1e9]
  }

  async createDeal(title) {
    const response = await this.send('/crm/v1/entities/deals', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ title }),
    })
    checkCreated(await response.json())
  }

  close() {}
}

const CONTENDERS = {
  uspacy: UspacyNode,
  'uspacy-web': UspacyWeb,
  axios: AxiosClient,
  fetch: FetchClient,
}

/** Throws when contender `name` cannot run here, with the reason. */
async function check(name) {
  if (name === 'uspacy') {
    loadUspacy()
  } else if (name === 'uspacy-web') {
    await loadWeb()
  } else if (name === 'axios') {
    require('axios')
  }
}

// --- Workloads -----------------------------------------------------------------

/** Runs `count` calls of `operation` with `concurrency` in flight. */
async function runTasks(count, concurrency, operation, failures) {
  let next = 0
  const worker = async () => {
    while (next < count) {
      next += 1
      try {
        await operation()
      } catch (error) {
        failures.record(error)
      }
    }
  }
  await Promise.all(Array.from({ length: Math.max(concurrency, 1) }, worker))
}

async function refreshRound(Contender, spec, round, failures) {
  const pair = spec.expired_pairs[round]
  const client = new Contender(spec, pair.access_token, pair.refresh_token)
  await runTasks(spec.refresh_calls, spec.refresh_calls, () => client.getDeal(spec.deal_id), failures)
  client.close()
}

async function run(Contender, spec, report) {
  const failures = new Failures()
  const connect = () => new Contender(spec, spec.access_token, spec.refresh_token)
  let client = null
  switch (spec.workload) {
    case 'get': {
      client = connect()
      const warmup = new Failures()
      await runTasks(spec.warmup, spec.concurrency, () => client.getDeal(spec.deal_id), warmup)
      if (warmup.first) {
        throw new Error(`warmup failed: ${warmup.first}`)
      }
      const section = new Section()
      await runTasks(spec.count, spec.concurrency, () => client.getDeal(spec.deal_id), failures)
      section.finish(report)
      report.operations = spec.count
      break
    }
    case 'export': {
      client = connect()
      await client.export(spec.page_size, spec.page_size)
      const section = new Section()
      try {
        report.items = await client.export(spec.export_total, spec.page_size)
      } catch (error) {
        failures.record(error)
      }
      section.finish(report)
      report.operations = Math.ceil(spec.export_total / spec.page_size)
      break
    }
    case 'decode': {
      client = connect()
      for (let index = 0; index < spec.warmup; index += 1) {
        await client.decodePage(spec.decode_page_size)
      }
      const pages = []
      const section = new Section()
      for (let index = 0; index < spec.count; index += 1) {
        try {
          pages.push(await client.decodePage(spec.decode_page_size))
        } catch (error) {
          failures.record(error)
        }
      }
      section.finish(report)
      tallyPages(pages, spec, report, failures)
      break
    }
    case 'create': {
      client = connect()
      for (let index = 0; index < spec.warmup; index += 1) {
        await client.createDeal(`Benchmark warmup deal ${index}`)
      }
      let index = 0
      const section = new Section()
      await runTasks(spec.count, 1, () => client.createDeal(`Benchmark deal ${index++}`), failures)
      section.finish(report)
      report.operations = spec.count
      break
    }
    case 'refresh': {
      const warmup = new Failures()
      for (let round = 0; round < spec.warmup; round += 1) {
        await refreshRound(Contender, spec, round, warmup)
      }
      if (warmup.first) {
        throw new Error(`warmup failed: ${warmup.first}`)
      }
      const section = new Section()
      for (let round = spec.warmup; round < spec.warmup + spec.count; round += 1) {
        await refreshRound(Contender, spec, round, failures)
      }
      section.finish(report)
      report.concurrency = spec.refresh_calls
      report.operations = spec.count * spec.refresh_calls
      break
    }
    default:
      throw new Error(`unknown workload ${spec.workload}`)
  }
  client?.close()
  return failures
}

const utf8 = new TextDecoder()

/**
 * Parses a response body from its bytes, as `JSON.parse` of the same bytes
 * must: UTF-8 decoding included, as Python's `json.loads(bytes)` includes it.
 */
function parseBytes(bytes) {
  return JSON.parse(utf8.decode(bytes))
}

/** Checks the decoded pages and adds up the decode-only time, when the
 * contender measures it apart from the transfer. */
function tallyPages(pages, spec, report, failures) {
  report.operations = spec.count
  report.items = pages.reduce((sum, [items]) => sum + items, 0)
  for (const [items] of pages) {
    if (items !== spec.decode_page_size) {
      failures.record(`page had ${items} items, expected ${spec.decode_page_size}`)
    }
  }
  if (pages.length > 0 && pages.every(([, decodeS]) => decodeS !== null)) {
    report.decode_s = pages.reduce((sum, [, decodeS]) => sum + decodeS, 0)
  }
}

async function main() {
  const args = process.argv.slice(2)
  if (args[0] === '--check') {
    await check(args[1])
    return 0
  }
  const Contender = CONTENDERS[args[0]]
  if (args.length !== 1 || Contender === undefined) {
    console.error(`usage: node contender.mjs ${Object.keys(CONTENDERS).join('|')} < spec.json`)
    return 2
  }
  if (Contender === UspacyWeb) {
    await loadWeb()
  }
  const spec = JSON.parse(readFileSync(0, 'utf8'))
  const report = {
    contender: `${args[0] === 'uspacy-web' ? 'web' : 'node'}-${args[0].replace('-web', '')}`,
    language: 'node',
    workload: spec.workload,
    concurrency: spec.concurrency,
    operations: 0,
    items: 0,
    runtime: `Node ${process.versions.node}`,
    library: Contender.library(),
  }
  const failures = await run(Contender, spec, report)
  report.errors = failures.count
  if (failures.first) {
    report.first_error = failures.first
  }
  process.stdout.write(`${JSON.stringify(report)}\n`)
  return 0
}

try {
  process.exitCode = await main()
} catch (error) {
  console.error(`contender.mjs: ${error.message}`)
  process.exitCode = 1
}
