/**
 * Runs the WebAssembly module's tasks and contains its failures.
 *
 * Every export that does async work returns a task id (see
 * `src/executor.rs`). This runtime polls each task on a microtask when the
 * module wakes it, inside a `try`. A Rust panic cannot unwind on wasm32: the
 * panic hook hands its message to `onPanic`, then the instance traps and
 * the trap reaches one of those `try` blocks. The runtime then settles every
 * call in flight with an `internal` error, starts a fresh instance from the
 * same compiled module, and marks the clients of the stopped instance as
 * unusable (`generation`), so the package keeps working for new clients.
 */
import { UspacyError } from './errors.js'
import { glue } from './load.js'

/** Increases each time the module is re-instantiated. */
let generation = 0
/** The message of the last panic, until the trap it causes is handled. */
let panicMessage = null
/** The error info of each stopped instance, by generation. */
const stops = new Map()
/** Set when a fresh instance could not be created; every later call fails with it. */
let unrecoverable = null
/** Tasks in flight: id -> {resolve, generation}. */
const pending = new Map()
const scheduled = new Set()

function wake(id) {
  if (scheduled.has(id)) {
    return
  }
  scheduled.add(id)
  queueMicrotask(() => {
    scheduled.delete(id)
    step(id)
  })
}

function onPanic(message) {
  panicMessage = String(message)
}

function connect() {
  glue.connectRuntime(wake, onPanic)
}

connect()

function step(id) {
  const entry = pending.get(id)
  if (entry === undefined || entry.generation !== generation) {
    return
  }
  let outcome
  try {
    outcome = glue.pollTask(id)
  } catch (error) {
    instanceStopped(error)
    return
  }
  if (outcome !== undefined) {
    pending.delete(id)
    entry.resolve(outcome)
  }
}

/** Describes why an instance stopped: the panic message, else the exception. */
function stopReason(error) {
  if (panicMessage !== null) {
    return `panic: ${panicMessage}`
  }
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error)
}

/**
 * Handles an exception out of the module: settles the calls in flight,
 * re-instantiates the module and returns the error for the caller.
 */
function instanceStopped(error) {
  const reason = stopReason(error)
  panicMessage = null
  const info = {
    kind: 'internal',
    message:
      `internal error in the uspacy WebAssembly module (${reason}); the module was reset, ` +
      'so create a new Uspacy client to go on',
    serverMessage: reason,
    retryable: false,
  }
  const stopped = generation
  stops.set(stopped, info)
  generation += 1
  for (const [id, entry] of pending) {
    if (entry.generation === stopped) {
      pending.delete(id)
      entry.resolve({ error: info })
    }
  }
  scheduled.clear()
  try {
    glue.__wbg_reset_state()
    connect()
  } catch (resetError) {
    unrecoverable = new UspacyError(
      `the uspacy WebAssembly module stopped (${reason}) and could not be restarted ` +
        `(${resetError?.message ?? resetError}): reload the page or restart the process`,
      { kind: 'internal', serverMessage: reason },
    )
    return unrecoverable
  }
  return new UspacyError(info.message, info)
}

/** Returns the current generation; a client stores the one it was created in. */
export function currentGeneration() {
  return generation
}

/**
 * Throws the `internal` error of a client whose instance has stopped.
 * @param {number} clientGeneration
 */
export function checkGeneration(clientGeneration) {
  if (clientGeneration === generation) {
    return
  }
  const info = stops.get(clientGeneration)
  const reason = info === undefined ? 'an earlier failure' : info.serverMessage
  const message =
    `this client belongs to a WebAssembly instance that stopped (${reason}): ` +
    'create a new Uspacy client'
  throw new UspacyError(message, { kind: 'internal', serverMessage: reason })
}

/**
 * Calls into the module synchronously. An exception means the instance
 * stopped; it becomes a `UspacyError` of kind `internal`.
 */
export function enter(run) {
  if (unrecoverable !== null) {
    throw unrecoverable
  }
  try {
    return run(glue)
  } catch (error) {
    throw instanceStopped(error)
  }
}

/**
 * Starts a task (`start` returns its id) and resolves with its outcome
 * object. Never rejects: a stopped instance resolves as `{error}`.
 */
export function runTask(start) {
  let id
  try {
    id = enter(start)
  } catch (error) {
    return Promise.resolve({ error: { ...error, message: error.message } })
  }
  return new Promise((resolve) => {
    pending.set(id, { resolve, generation })
    wake(id)
  })
}

/** Counts for the package's tests: tasks the runtime and the module hold. */
export function taskCounts() {
  return { pending: pending.size, module: glue.taskCount(), generation }
}
