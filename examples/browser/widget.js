// The deals widget: signs in to a Uspacy portal and lists the deals of one
// kanban stage. The token pair lives in localStorage through the package's
// `tokenStorage: 'localStorage'`, so a reload resumes the session without
// the password. The password is never stored.
import {
  NetworkError,
  SessionExpired,
  TimeoutError,
  Unauthorized,
  Uspacy,
  UspacyError,
} from '../../bindings-wasm/index.js'

// The widget's own entry: the portal and the last funnel and stage shown.
// The tokens are under the package's key, `client.tokenStorageKey`.
const SETTINGS_KEY = 'uspacy-widget:settings'
// Deals per request: rows appear as each page arrives, so a small page
// shows the first rows sooner on a slow connection.
const PAGE_SIZE = 50

const form = document.querySelector('#sign-in')
const signInButton = form.querySelector('button[type=submit]')
const dealsView = document.querySelector('#deals-view')
const funnelSelect = document.querySelector('#funnel')
const stageSelect = document.querySelector('#stage')
const dealRows = document.querySelector('#deals tbody')
const signOutButton = document.querySelector('#sign-out')
const statusLine = document.querySelector('#status')
const errorLine = document.querySelector('#error')

/** The signed-in client, or null while the sign-in form shows. */
let client = null
/** Owner names by user id, for the deal rows. */
let ownerNames = new Map()
// Each run of a step and each sign-out increments this, so a step still
// loading for an earlier funnel or stage stops instead of showing its
// results or errors.
let loadGeneration = 0
// Clients the user signed out of. A refresh of theirs still in flight
// stores its new pair when it finishes, and that pair must not outlive
// the sign-out.
const retiredClients = new WeakSet()

function readSettings() {
  try {
    return JSON.parse(localStorage.getItem(SETTINGS_KEY)) ?? {}
  } catch {
    return {}
  }
}

function saveSettings(changes) {
  localStorage.setItem(SETTINGS_KEY, JSON.stringify({ ...readSettings(), ...changes }))
}

/** Shows progress. `state` goes to `<body data-state>` for styles and tests. */
function setState(state, text) {
  document.body.dataset.state = state
  statusLine.textContent = text
}

function showError(text) {
  errorLine.textContent = text
  errorLine.hidden = text === ''
}

/** Returns the client options for a portal name (`acme`), host (`acme.uspacy.ua`) or URL. */
function portalOptions(portal) {
  return portal.includes('://') ? { baseUrl: portal } : { domain: portal }
}

/** Creates a client whose tokens persist in localStorage. */
function createClient(portal, credentials) {
  let storageKey
  const created = new Uspacy({
    ...portalOptions(portal),
    credentials,
    tokenStorage: 'localStorage',
    // The package has stored the pair by the time this runs. A timer, not
    // a direct call, because the module is still inside its refresh here.
    onTokens: () => {
      if (retiredClients.has(created)) {
        setTimeout(() => dropRetiredPair(storageKey))
      }
    },
  })
  storageKey = created.tokenStorageKey
  return created
}

/**
 * Removes the pair a signed-out client stored, or, when the user has since
 * signed in to the same portal, writes that session's pair back over it.
 */
function dropRetiredPair(storageKey) {
  if (client !== null && client.tokenStorageKey === storageKey) {
    localStorage.setItem(storageKey, JSON.stringify(client.tokens()))
  } else {
    localStorage.removeItem(storageKey)
  }
}

/** Returns a message for a failed call, in words a user can act on. */
function describeError(error, portal) {
  if (error instanceof NetworkError) {
    // The SDK's message carries the browser's stack trace, which helps in
    // the console but not in the page.
    console.error(error)
    if (error instanceof TimeoutError) {
      return `${portal} did not respond in time. Try again later.`
    }
    // Browsers hide the cause of a failed fetch from scripts.
    return (
      `Could not reach ${portal}. Either the network is down, or the portal does not allow ` +
      `requests from this page (${location.origin}) through CORS; the browser console shows which.`
    )
  }
  return error instanceof Error ? error.message : String(error)
}

/** Resumes the session stored by an earlier page load, or shows the sign-in form. */
function resume() {
  const { portal } = readSettings()
  if (typeof portal !== 'string' || portal === '') {
    showSignIn()
    return
  }
  form.elements.portal.value = portal
  let restored
  try {
    restored = createClient(portal, undefined)
  } catch (error) {
    showSignIn()
    showError(describeError(error, portal))
    return
  }
  // Without credentials the client starts from the stored pair, if any.
  if (restored.tokens() === null) {
    restored.close()
    showSignIn()
    return
  }
  client = restored
  run(openDeals)
}

function showSignIn() {
  dealsView.hidden = true
  form.hidden = false
  setState('signed-out', '')
}

async function signIn(event) {
  event.preventDefault()
  const portal = form.elements.portal.value.trim()
  const email = form.elements.email.value.trim()
  const password = form.elements.password.value
  // Only accounts with two-factor authentication need the code.
  const code = form.elements.code.value.trim() || undefined
  showError('')
  setState('signing-in', 'Signing in…')
  signInButton.disabled = true
  let candidate
  try {
    candidate = createClient(portal, { email, password, code })
    await candidate.authenticate()
  } catch (error) {
    candidate?.close()
    setState('signed-out', '')
    showError(`Sign-in failed: ${describeError(error, portal)}`)
    return
  } finally {
    signInButton.disabled = false
  }
  form.elements.password.value = ''
  form.elements.code.value = ''
  localStorage.setItem(SETTINGS_KEY, JSON.stringify({ portal }))
  client = candidate
  await run(openDeals)
}

/**
 * Forgets the session: stops any loading, removes the stored pair and the
 * settings, and shows the sign-in form.
 */
function signOut(message = '') {
  loadGeneration += 1
  if (client !== null) {
    const closing = client
    client = null
    retiredClients.add(closing)
    localStorage.removeItem(closing.tokenStorageKey)
    closing.close()
  }
  localStorage.removeItem(SETTINGS_KEY)
  ownerNames = new Map()
  funnelSelect.replaceChildren()
  stageSelect.replaceChildren()
  dealRows.replaceChildren()
  showSignIn()
  showError(message)
}

/**
 * Runs a step of the signed-in view and shows its failure. The step gets
 * `isCurrent()`, false once the user has picked something else or signed
 * out, and checks it after each wait.
 */
async function run(step) {
  loadGeneration += 1
  const generation = loadGeneration
  const isCurrent = () => generation === loadGeneration
  showError('')
  try {
    await step(isCurrent)
  } catch (error) {
    if (!isCurrent()) {
      return
    }
    if (error instanceof SessionExpired || error instanceof Unauthorized) {
      // The stored pair no longer works, and the SDK has already tried a refresh.
      signOut(`The session has ended; sign in again. (${error.message})`)
      return
    }
    setState('error', '')
    showError(describeError(error, client?.baseUrl ?? 'the portal'))
  }
}

async function openDeals(isCurrent) {
  form.hidden = true
  dealsView.hidden = false
  setState('loading', 'Loading funnels…')
  const [funnels, names] = await Promise.all([client.crm.funnels.list('deals'), loadOwnerNames()])
  if (!isCurrent()) {
    return
  }
  ownerNames = names
  if (funnels.length === 0) {
    setState('ready', 'This portal has no deal funnels.')
    return
  }
  fillSelect(funnelSelect, funnels, readSettings().funnelId)
  await showStages(isCurrent)
}

/** Reads every user's name. Without permission to read users, the rows show ids. */
async function loadOwnerNames() {
  const names = new Map()
  try {
    for await (const user of client.users.iter({ list: 100 })) {
      const name = [user.firstName, user.lastName].filter(Boolean).join(' ')
      names.set(Number(user.id), name || `user #${user.id}`)
    }
  } catch (error) {
    if (error instanceof UspacyError && !(error instanceof NetworkError)) {
      console.warn(`Owner names are unavailable, showing user ids: ${error.message}`)
      return names
    }
    throw error
  }
  return names
}

/** Fills a select with `{id, title}` items and selects `preferredId` when present. */
function fillSelect(select, items, preferredId) {
  select.replaceChildren(...items.map((item) => new Option(item.title || `#${item.id}`, String(item.id))))
  if (items.some((item) => Number(item.id) === preferredId)) {
    select.value = String(preferredId)
  }
}

async function showStages(isCurrent) {
  const funnelId = Number(funnelSelect.value)
  saveSettings({ funnelId })
  dealRows.replaceChildren()
  stageSelect.replaceChildren()
  setState('loading', 'Loading stages…')
  const stages = (await client.crm.kanbanStages.list('deals', { funnelId })).data
  if (!isCurrent()) {
    return
  }
  if (stages.length === 0) {
    setState('ready', 'This funnel has no stages.')
    return
  }
  fillSelect(stageSelect, stages, readSettings().stageId)
  await showDeals(isCurrent)
}

async function showDeals(isCurrent) {
  const stageId = Number(stageSelect.value)
  const stageTitle = stageSelect.selectedOptions[0]?.textContent ?? `#${stageId}`
  saveSettings({ stageId })
  dealRows.replaceChildren()
  setState('loading', 'Loading deals…')
  let count = 0
  // The iterator fetches a page only once the loop has used up the one
  // before, and leaving the loop early sends no further request.
  for await (const deal of client.crm.kanbanStages.iterGet('deals', stageId, { list: PAGE_SIZE })) {
    if (!isCurrent()) {
      return
    }
    dealRows.append(dealRow(deal))
    count += 1
    statusLine.textContent = `Loading deals… ${count} so far`
  }
  if (!isCurrent()) {
    return
  }
  setState('ready', count === 0 ? `No deals in «${stageTitle}».` : `${count} deals in «${stageTitle}».`)
}

function dealRow(deal) {
  const row = document.createElement('tr')
  row.dataset.dealId = String(deal.id)
  let owner = '—'
  if (deal.owner !== undefined && deal.owner !== null) {
    owner = ownerNames.get(Number(deal.owner)) ?? `user #${deal.owner}`
  }
  const cells = [`#${deal.id}`, deal.title || `Deal #${deal.id}`, formatAmount(deal.amount), owner]
  for (const text of cells) {
    const cell = document.createElement('td')
    cell.textContent = text
    row.append(cell)
  }
  return row
}

/** Formats `{value, currency}` in the browser's locale ("UAH 12,500.50" in en-US). */
function formatAmount(amount) {
  const value = amount?.value
  if (value === undefined || value === null || value === '') {
    return '—'
  }
  const currency = amount.currency ?? ''
  if (!Number.isFinite(Number(value))) {
    return `${value} ${currency}`.trim()
  }
  try {
    // Given a string, Intl keeps every digit; a number keeps about 15.
    return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(String(value))
  } catch {
    // The currency is missing or not an ISO 4217 code.
    return `${value} ${currency}`.trim()
  }
}

form.addEventListener('submit', signIn)
signOutButton.addEventListener('click', () => signOut())
funnelSelect.addEventListener('change', () => run(showStages))
stageSelect.addEventListener('change', () => run(showDeals))

// Another tab of this page signed out: its removal of the pair arrives here.
window.addEventListener('storage', (event) => {
  const removed = event.key === null || (event.key === client?.tokenStorageKey && event.newValue === null)
  if (client !== null && removed) {
    signOut('Signed out in another tab.')
  }
})

resume()
