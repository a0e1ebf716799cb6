// Lead capture: turn a web-form submission into a contact and a deal, and
// move the deal to the won stage when the payment callback arrives.
//
// Usage:
//   node lead_capture.mjs submit --form FORM.json [--funnel ID] [--write]
//   node lead_capture.mjs submit --first-name N --last-name N --phone P --email E \
//       [--interests "Опалення,Сервіс"] [--channel Сайт] --amount 15000 [--funnel ID] [--write]
//   node lead_capture.mjs paid --payment PAYMENT.json [--funnel ID] [--write]
//
// Re-running `submit` with the same phone or e-mail updates the contact and
// its deal in the funnel instead of creating new ones.
import { connect, exitOnSdkError, fail, listOptions, mapTitles, mayWrite, parseOptions, readText, twoPlaces } from './common.mjs'

const CURRENCY = 'UAH'
const DEFAULT_REASON = 'Оплачено'
const SUBMIT_OPTIONS = ['form', 'first-name', 'last-name', 'phone', 'email', 'interests', 'channel', 'amount']
const PAID_OPTIONS = ['payment']

const { values: args, positionals } = parseOptions({
  allowPositionals: true,
  options: {
    funnel: { type: 'string', default: '1' },
    'interests-field': { type: 'string', default: 'uf_crm_1716200001' },
    'channel-field': { type: 'string', default: 'uf_crm_1716200002' },
    write: { type: 'boolean', default: false },
    form: { type: 'string' },
    'first-name': { type: 'string' },
    'last-name': { type: 'string' },
    phone: { type: 'string' },
    email: { type: 'string' },
    interests: { type: 'string' },
    channel: { type: 'string' },
    amount: { type: 'string' },
    payment: { type: 'string' },
  },
})
const command = positionals[0]
if (command === undefined) fail('expected the command submit or paid')
if (command !== 'submit' && command !== 'paid') fail(`unknown command ${command}: expected submit or paid`)
if (positionals.length > 1) fail(`unknown argument ${positionals[1]}`)
const misplaced = Object.keys(args).find((name) => (command === 'submit' ? PAID_OPTIONS : SUBMIT_OPTIONS).includes(name))
if (misplaced) fail(`--${misplaced} is not an option of ${command}`)
const funnelId = Number(args.funnel)
if (!Number.isInteger(funnelId)) fail(`--funnel ${args.funnel} is not an integer`)

// Reads a JSON file that must contain an object.
function readJsonObject(path) {
  const text = readText(path)
  let value
  try {
    value = JSON.parse(text)
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error
    fail(`${path} is not valid JSON: ${error.message}`)
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail(`${path} does not contain a JSON object`)
  return value
}

// Returns a text field of a JSON object: a string as it is, a number as
// written, null for a missing key, null or ''.
// NOTE: a number is JavaScript's form of it, which matches Rust's for plain
// decimals and integers up to 2**53. 1.0 reads '1' here and '1.0' in Rust,
// and a larger integer loses digits.
function textOf(object, key, path) {
  const value = object[key]
  if (value === undefined || value === null) return null
  if (typeof value === 'string') return value || null
  if (typeof value === 'number') return String(value)
  fail(`${path}: ${key} must be a string, not ${JSON.stringify(value)}`)
}

// Returns the option titles of the form file's interests: a list of titles
// or one comma-separated text.
function interestsOf(value, path) {
  if (value === undefined || value === null) return []
  if (typeof value === 'string') return value.split(',')
  if (!Array.isArray(value)) fail(`${path}: interests must be a list of option titles, not ${JSON.stringify(value)}`)
  for (const title of value) {
    if (typeof title !== 'string') fail(`${path}: interests must be option titles, not ${JSON.stringify(title)}`)
  }
  return value
}

// Returns the form submission with the command-line options applied over the file.
function readForm() {
  const file = args.form !== undefined ? readJsonObject(args.form) : {}
  const path = args.form ?? 'the form'
  // A command-line option replaces the file's value, even with an empty one.
  const field = (key, flag) => (args[flag] !== undefined ? args[flag] || null : textOf(file, key, path))
  const firstName = field('first_name', 'first-name') ?? ''
  const lastName = field('last_name', 'last-name') ?? ''
  const phone = field('phone', 'phone')
  const email = field('email', 'email')
  let channel = field('channel', 'channel')
  if (channel !== null && !channel.trim()) channel = null
  const interests = args.interests !== undefined ? args.interests.split(',') : interestsOf(file.interests, path)

  if (phone === null && email === null) fail('the form needs a phone or an e-mail')
  const amountText = amountTextOf(args.amount !== undefined ? args.amount : file.amount)
  const amount = twoPlaces(amountText)
  if (amount === null) fail(`amount '${amountText}' is not a number`)
  return { firstName, lastName, phone, email, interests, channel, amount }
}

// Returns the amount of the form as decimal text: a JSON number as JavaScript
// writes it, '0' when the amount is missing.
function amountTextOf(amount) {
  if (amount === undefined) return '0'
  if (typeof amount === 'string') return amount
  if (typeof amount === 'number') return String(amount)
  fail(`amount ${JSON.stringify(amount)} is not a number`)
}

// Returns the payment callback of --payment.
function readPayment() {
  if (args.payment === undefined) fail('paid needs --payment FILE')
  const file = readJsonObject(args.payment)
  return {
    status: file.status ?? null,
    phone: textOf(file, 'phone', args.payment),
    email: textOf(file, 'email', args.payment),
    reason: textOf(file, 'reason', args.payment) ?? DEFAULT_REASON,
  }
}

function idOf(item, kind) {
  if (item.id === undefined || item.id === null) fail(`the portal returned a ${kind} without an id`)
  return item.id
}

// Finds a contact whose phone or e-mail matches, through the list filters.
// NOTE: the filters `phone[]=...&email[]=...&boolean_operator=OR` are those the
// mock portal implements; a live portal was not tried.
async function findContact(client, phone, email) {
  const query = { list: 2, booleanOperator: 'OR' }
  if (phone) query.phone = [phone]
  if (email) query.email = [email]
  const page = await exitOnSdkError('searching contacts by phone and e-mail', () => client.crm.items.list('contacts', query))
  return page.data[0] ?? null
}

// Finds the contact's deal in the funnel, preferring one that is still open.
async function findDeal(client, contactId) {
  const page = await exitOnSdkError(`listing the deals of contact ${contactId}`,
    () => client.crm.items.list('deals', { list: 50, funnelId, contacts: [contactId] }))
  const open = page.data.filter((d) => d.kanban_status !== 'SUCCESS' && d.kanban_status !== 'FAIL')
  return open[0] ?? page.data[0] ?? null
}

async function listStages(client) {
  const page = await exitOnSdkError(`listing the stages of funnel ${funnelId}`,
    () => client.crm.kanbanStages.list('deals', { funnelId }))
  return page.data
}

async function submit(client, form, write) {
  const interestsField = args['interests-field']
  const channelField = args['channel-field']
  const interests = mapTitles(await listOptions(client, 'contacts', interestsField), form.interests, interestsField)
  const title = `${form.lastName} ${form.firstName}`.trim()
  const contactBody = {
    title,
    first_name: form.firstName,
    last_name: form.lastName,
    [interestsField]: interests,
  }
  if (form.phone) contactBody.phone = [{ type: 'mobile', value: form.phone, main: true }]
  if (form.email) contactBody.email = [{ type: 'work', value: form.email, main: true }]

  // The funnel and the channel are checked before anything is written, so
  // a wrong title or funnel leaves the portal as it was.
  const stages = (await listStages(client))
    .filter((s) => s.funnel_id === funnelId)
    .sort((a, b) => a.sort - b.sort)
  if (stages.length === 0) fail(`deal funnel ${funnelId} not found or has no stages`)
  const dealBody = {
    title: `Заявка з сайту: ${title}`,
    amount: { value: form.amount, currency: CURRENCY },
  }
  if (form.channel) {
    const channel = mapTitles(await listOptions(client, 'deals', channelField), [form.channel], channelField)
    if (channel.length > 0) dealBody[channelField] = channel[0]
  }

  const contact = await findContact(client, form.phone, form.email)
  let contactId = contact ? idOf(contact, 'contact') : null
  if (!write) {
    console.log(`plan: contact ${contact ? `update id=${contactId}` : 'create'}: ${title} interests=${interests.join(',')}`)
  } else if (contact) {
    await exitOnSdkError(`updating contact ${contactId}`, () => client.crm.items.update('contacts', contactId, contactBody))
    console.log(`contact updated: id=${contactId} interests=${interests.join(',')}`)
  } else {
    const created = await exitOnSdkError(`creating contact ${title}`, () => client.crm.items.create('contacts', contactBody))
    contactId = idOf(created, 'contact')
    console.log(`contact created: id=${contactId} interests=${interests.join(',')}`)
  }

  const deal = contactId !== null ? await findDeal(client, contactId) : null
  const dealId = deal ? idOf(deal, 'deal') : null
  if (!write) {
    console.log(`plan: deal ${deal ? `update id=${dealId}` : 'create'}: funnel=${funnelId} amount=${form.amount} ${CURRENCY}`)
    return
  }
  if (deal) {
    await exitOnSdkError(`updating deal ${dealId}`, () => client.crm.items.update('deals', dealId, dealBody))
    console.log(`deal updated: id=${dealId} funnel=${funnelId} amount=${form.amount} ${CURRENCY}`)
  } else {
    const stageId = stages[0].id
    Object.assign(dealBody, { funnel_id: funnelId, kanban_stage_id: stageId, contacts: [contactId] })
    const created = await exitOnSdkError(`creating the deal of contact ${contactId}`,
      () => client.crm.items.create('deals', dealBody))
    console.log(`deal created: id=${idOf(created, 'deal')} funnel=${funnelId} stage=${stageId} amount=${form.amount} ${CURRENCY}`)
  }
}

async function paid(client, payment, write) {
  if (payment.status !== 'success') {
    const status = typeof payment.status === 'string' ? `'${payment.status}'` : JSON.stringify(payment.status)
    console.log(`payment status is ${status}, not 'success': nothing to do`)
    return
  }
  // Without either, the list filters would match every contact.
  if (!payment.phone && !payment.email) fail('the payment has neither a phone nor an e-mail to find the contact by')
  const contact = await findContact(client, payment.phone, payment.email)
  if (!contact) fail("no contact matches the payment's phone or e-mail; submit the form first")
  const contactId = idOf(contact, 'contact')
  const deal = await findDeal(client, contactId)
  if (!deal) fail(`contact ${contactId} has no deal in funnel ${funnelId}`)
  const dealId = idOf(deal, 'deal')
  if (deal.kanban_status === 'SUCCESS') {
    console.log(`deal already won: id=${dealId} stage=${deal.kanban_stage_id ?? ''}`)
    return
  }

  const stages = await listStages(client)
  const won = stages.find((s) => s.funnel_id === funnelId && s.stage_code === 'SUCCESS')
  if (!won) fail(`funnel ${funnelId} has no won (SUCCESS) stage`)
  const wonId = idOf(won, 'won stage')
  const wonTitle = won.title ?? ''
  const reasons = (await exitOnSdkError(`listing the reasons of funnel ${funnelId}`,
    () => client.crm.reasons.list(funnelId))).SUCCESS ?? []
  const reason = reasons.find((r) => r.title === payment.reason)
  if (!reason) {
    const titles = reasons.map((r) => r.title).filter((title) => title != null)
    fail(`'${payment.reason}' is not a won reason of funnel ${funnelId}; reasons: ${titles.join(', ')}`)
  }
  const reasonId = idOf(reason, 'reason')

  if (!write) {
    console.log(`plan: deal move id=${dealId} stage=${wonId} (${wonTitle}) reason=${reasonId}`)
    return
  }
  await exitOnSdkError(`moving deal ${dealId} to stage ${wonId}`,
    () => client.crm.kanbanStages.move('deals', dealId, wonId, { reason_id: reasonId }))
  console.log(`deal moved: id=${dealId} stage=${wonId} (${wonTitle}) reason=${reasonId} (${payment.reason})`)
}

// The file is read before connecting, as in the other versions, so a bad
// file is the first error whatever the environment.
const input = command === 'submit' ? readForm() : readPayment()
const { client, live } = connect()
try {
  const write = mayWrite(live, args.write)
  if (command === 'submit') await submit(client, input, write)
  else await paid(client, input, write)
} finally {
  client.close()
}
