'use strict'

/**
 * Loads the native addon through the loader that `napi build` writes,
 * which picks the `.node` file of this platform.
 */

let binding
try {
  binding = require('../native/binding.js')
} catch (error) {
  const hint = new Error(
    'the native addon of uspacy could not be loaded: install the package for a ' +
      'supported platform, or build the addon from source with `npm run build` ' +
      '(needs Rust). Cause: ' +
      error.message,
  )
  hint.cause = error
  throw hint
}

module.exports = binding
