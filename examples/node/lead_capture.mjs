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
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'

import { connect, fail, listOptions, mapTitles, mayWrite, twoPlaces } from './common.mjs'

const CURRENCY = 'UAH'

const { values: args, positionals } = parseArgs({
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
if (command !== 'submit' && command !== 'paid') fail('expected the command submit or paid')
const funnelId = Number(args.funnel)
if (!Number.isInteger(funnelId)) fail(`--funnel ${args.funnel} is not an integer`)

function readForm() {
  const form = args.form ? JSON.parse(readFileSync(args.form, 'utf8')) : {}
  const flags = { first_name: 'first-name', last_name: 'last-name', phone: 'phone', email: 'email', channel: 'channel', amount: 'amount' }
  for (const [key, flag] of Object.entries(flags)) {
    if (args[flag] !== undefined) form[key] = args[flag]
  }
  if (args.interests !== undefined) form.interests = args.interests.split(',')
  if (!form.phone && !form.email) fail('the form needs a phone or an e-mail')
  const amountText = amountTextOf(form.amount)
  form.amount = twoPlaces(amountText)
  if (form.amount === null) fail(`amount '${amountText}' is not a number`)
  return form
}

// Returns the amount of the form as decimal text: a JSON number as JavaScript
// writes it, '0' when the amount is missing.
function amountTextOf(amount) {
  if (amount === undefined) return '0'
  if (typeof amount === 'string') return amount
  if (typeof amount === 'number') return String(amount)
  fail(`amount ${JSON.stringify(amount)} is not a number`)
}

// Finds a contact whose phone or e-mail matches, through the list filters.
// NOTE: the filters `phone[]=...&email[]=...&boolean_operator=OR` are those the
// mock portal implements; a live portal was not tried.
async function findContact(client, phone, email) {
  const query = { list: 2, booleanOperator: 'OR' }
  if (phone) query.phone = [phone]
  if (email) query.email = [email]
  const page = await client.crm.items.list('contacts', query)
  return page.data[0] ?? null
}

// Finds the contact's deal in the funnel, preferring one that is still open.
async function findDeal(client, contactId) {
  const page = await client.crm.items.list('deals', { list: 50, funnelId, contacts: [contactId] })
  const open = page.data.filter((d) => d.kanban_status !== 'SUCCESS' && d.kanban_status !== 'FAIL')
  return open[0] ?? page.data[0] ?? null
}

async function submit(client, write) {
  const form = readForm()
  const interestsField = args['interests-field']
  const channelField = args['channel-field']
  const interests = mapTitles(await listOptions(client, 'contacts', interestsField), form.interests ?? [], interestsField)
  const contactBody = {
    title: `${form.last_name ?? ''} ${form.first_name ?? ''}`.trim(),
    first_name: form.first_name ?? '',
    last_name: form.last_name ?? '',
    [interestsField]: interests,
  }
  if (form.phone) contactBody.phone = [{ type: 'mobile', value: form.phone, main: true }]
  if (form.email) contactBody.email = [{ type: 'work', value: form.email, main: true }]

  // The funnel and the channel are checked before anything is written, so
  // a wrong title or funnel leaves the portal as it was.
  const stages = (await client.crm.kanbanStages.list('deals', { funnelId })).data
    .filter((s) => s.funnel_id === funnelId)
    .sort((a, b) => a.sort - b.sort)
  if (stages.length === 0) fail(`deal funnel ${funnelId} not found or has no stages`)
  const dealBody = {
    title: `Заявка з сайту: ${contactBody.title}`,
    amount: { value: form.amount, currency: CURRENCY },
  }
  if (form.channel) {
    const channel = mapTitles(await listOptions(client, 'deals', channelField), [form.channel], channelField)
    // A title of only spaces maps to no option, and the deal keeps its channel.
    if (channel.length > 0) dealBody[channelField] = channel[0]
  }

  let contact = await findContact(client, form.phone, form.email)
  if (!write) {
    console.log(`plan: contact ${contact ? `update id=${contact.id}` : 'create'}: ${contactBody.title} interests=${interests.join(',')}`)
  } else if (contact) {
    contact = await client.crm.items.update('contacts', contact.id, contactBody)
    console.log(`contact updated: id=${contact.id} interests=${interests.join(',')}`)
  } else {
    contact = await client.crm.items.create('contacts', contactBody)
    console.log(`contact created: id=${contact.id} interests=${interests.join(',')}`)
  }

  let deal = contact ? await findDeal(client, contact.id) : null
  if (!write) {
    console.log(`plan: deal ${deal ? `update id=${deal.id}` : 'create'}: funnel=${funnelId} amount=${form.amount} ${CURRENCY}`)
    return
  }
  if (deal) {
    deal = await client.crm.items.update('deals', deal.id, dealBody)
    console.log(`deal updated: id=${deal.id} funnel=${funnelId} amount=${form.amount} ${CURRENCY}`)
  } else {
    Object.assign(dealBody, { funnel_id: funnelId, kanban_stage_id: stages[0].id, contacts: [contact.id] })
    deal = await client.crm.items.create('deals', dealBody)
    console.log(`deal created: id=${deal.id} funnel=${funnelId} stage=${stages[0].id} amount=${form.amount} ${CURRENCY}`)
  }
}

async function paid(client, write) {
  if (!args.payment) fail('paid needs --payment FILE')
  const payment = JSON.parse(readFileSync(args.payment, 'utf8'))
  if (payment.status !== 'success') {
    const status = typeof payment.status === 'string' ? `'${payment.status}'` : JSON.stringify(payment.status ?? null)
    console.log(`payment status is ${status}, not 'success': nothing to do`)
    return
  }
  // Without either, the list filters would match every contact.
  if (!payment.phone && !payment.email) fail('the payment has neither a phone nor an e-mail to find the contact by')
  const contact = await findContact(client, payment.phone, payment.email)
  if (!contact) fail("no contact matches the payment's phone or e-mail; submit the form first")
  const deal = await findDeal(client, contact.id)
  if (!deal) fail(`contact ${contact.id} has no deal in funnel ${funnelId}`)
  if (deal.kanban_status === 'SUCCESS') {
    console.log(`deal already won: id=${deal.id} stage=${deal.kanban_stage_id}`)
    return
  }

  const stages = (await client.crm.kanbanStages.list('deals', { funnelId })).data
  const won = stages.find((s) => s.funnel_id === funnelId && s.stage_code === 'SUCCESS')
  if (!won) fail(`funnel ${funnelId} has no won (SUCCESS) stage`)
  const reasonTitle = payment.reason ?? 'Оплачено'
  const reasons = (await client.crm.reasons.list(funnelId)).SUCCESS ?? []
  const reason = reasons.find((r) => r.title === reasonTitle)
  if (!reason) fail(`'${reasonTitle}' is not a won reason of funnel ${funnelId}; reasons: ${reasons.map((r) => r.title).join(', ')}`)

  if (!write) {
    console.log(`plan: deal move id=${deal.id} stage=${won.id} (${won.title}) reason=${reason.id}`)
    return
  }
  await client.crm.kanbanStages.move('deals', deal.id, won.id, { reason_id: reason.id })
  console.log(`deal moved: id=${deal.id} stage=${won.id} (${won.title}) reason=${reason.id} (${reason.title})`)
}

const { client, live } = connect()
try {
  const write = mayWrite(live, args.write)
  if (command === 'submit') await submit(client, write)
  else await paid(client, write)
} finally {
  client.close()
}
