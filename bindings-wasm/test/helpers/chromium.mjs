// Launches the headless Chromium that the browser suite and the browser
// widget's test run in.

import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

// Resolved from this package, so a caller outside it (examples/browser)
// needs no dependency of its own.
const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const { chromium } = createRequire(path.join(packageDir, 'package.json'))('playwright-core')

/** The browser binary: `CHROMIUM`, else Debian's. */
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium'

// Keep headless Chromium, which may run as root, off every network but
// the loopback servers of the test.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/**
 * Starts Chromium with a profile in `profileDir`; `options` are further
 * options of playwright's `launchPersistentContext`.
 */
export function launchChromium(profileDir, options = {}) {
  return chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    ...options,
  })
}
