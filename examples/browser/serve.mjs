// A static file server for the browser widget: serves the page and the
// parts of the `uspacy-web` package it imports, read-only, on 127.0.0.1.
//
// Usage:
//   node examples/browser/serve.mjs [--port 8000]
//
// The default port 0 takes a free one. The first output line is
// "serving URL", the address of the page. Only these repository paths are
// served: examples/browser/, bindings-wasm/index.js, bindings-wasm/lib/ and
// bindings-wasm/pkg/ (build it with `bash bindings-wasm/scripts/build.sh`).
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

const REPO_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const PAGE_PATH = '/examples/browser/'
const SERVED = ['examples/browser/', 'bindings-wasm/index.js', 'bindings-wasm/lib/', 'bindings-wasm/pkg/']
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  // Browsers compile a module streamed from `fetch` only with this type.
  '.wasm': 'application/wasm',
}

const { values: args } = parseArgs({ options: { port: { type: 'string', default: '0' } } })
const port = Number(args.port)
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`error: --port ${args.port} is not a port number (0 to 65535)`)
  process.exit(1)
}
if (!fs.existsSync(path.join(REPO_DIR, 'bindings-wasm', 'pkg', 'uspacy_web_bg.wasm'))) {
  console.error('error: bindings-wasm/pkg/ is missing: build it with `bash bindings-wasm/scripts/build.sh`')
  process.exit(1)
}

/** Maps a URL path to a file of the allowed paths, or returns null. */
function resolveFile(urlPath) {
  let relative
  try {
    relative = path.posix.normalize(decodeURIComponent(urlPath)).replace(/^\/+/, '')
  } catch {
    return null
  }
  if (relative.endsWith('/')) {
    relative = path.posix.join(relative, 'index.html')
  }
  // normalize() has already removed `..`, so a prefix match cannot escape.
  const allowed = SERVED.some((entry) => (entry.endsWith('/') ? relative.startsWith(entry) : relative === entry))
  if (!allowed) {
    return null
  }
  const file = path.join(REPO_DIR, relative)
  return fs.existsSync(file) && fs.statSync(file).isFile() ? file : null
}

const server = http.createServer((request, response) => {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, { allow: 'GET, HEAD' }).end()
    return
  }
  const { pathname } = new URL(request.url, 'http://127.0.0.1')
  // Without the trailing slash the page's relative imports would miss.
  if (pathname === '/' || pathname === PAGE_PATH.slice(0, -1)) {
    response.writeHead(302, { location: PAGE_PATH }).end()
    return
  }
  const file = resolveFile(pathname)
  if (file === null) {
    response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end(`not found: ${pathname}\n`)
    return
  }
  response.writeHead(200, {
    'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
    // The package is rebuilt in place, so a cached copy would be stale.
    'cache-control': 'no-store',
  })
  if (request.method === 'HEAD') {
    response.end()
    return
  }
  fs.createReadStream(file).pipe(response)
})

server.on('error', (error) => {
  console.error(`error: cannot listen on 127.0.0.1:${port}: ${error.message}`)
  process.exit(1)
})
server.listen(port, '127.0.0.1', () => {
  console.log(`serving http://127.0.0.1:${server.address().port}${PAGE_PATH}`)
})

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    server.close()
    // Keep-alive connections of an open browser tab would hold close() open.
    server.closeAllConnections()
  })
}
