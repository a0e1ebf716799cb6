/**
 * Instantiates the WebAssembly module once, when the package is first
 * imported (a top-level `await`). Browsers and bundlers fetch the `.wasm`
 * file next to the glue; Node.js reads it from disk, since its `fetch`
 * has no `file:` URLs.
 */
import initModule, * as glue from '../pkg/uspacy_web.js'

const wasmUrl = new URL('../pkg/uspacy_web_bg.wasm', import.meta.url)

// Kept in a variable so bundlers for browsers do not try to resolve it.
const NODE_FS = 'node:fs/promises'

async function readLocalFile(url) {
  // `process.getBuiltinModule` (Node.js 20.16+) needs no import statement;
  // older versions fall back to a dynamic import.
  const fs =
    globalThis.process?.getBuiltinModule?.(NODE_FS) ?? (await import(/* webpackIgnore: true */ /* @vite-ignore */ NODE_FS))
  return fs.readFile(url)
}

await initModule({
  module_or_path: wasmUrl.protocol === 'file:' ? await readLocalFile(wasmUrl) : wasmUrl,
})

export { glue }
