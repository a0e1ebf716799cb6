// Shared pieces of the Node.js scenarios: the client from the environment,
// the write guard and the mapping of list-field option titles to values.
// The scenarios import the package from this repository; an application
// that installed it from npm imports 'uspacy' instead.
import { Uspacy } from '../../bindings-node/index.mjs'

export function fail(message) {
  console.error(`error: ${message}`)
  process.exit(1)
}

// Builds a client from USPACY_* variables; returns it and whether the portal is live.
// USPACY_BASE_URL selects a local mock portal, USPACY_DOMAIN a live one
// (https://{domain}.uspacy.ua). Credentials are tried in this order:
// e-mail and password, app id and secret, incoming-webhook URL.
export function connect() {
  const env = process.env
  const baseUrl = env.USPACY_BASE_URL
  const domain = env.USPACY_DOMAIN
  if (baseUrl && domain) fail('set either USPACY_BASE_URL (a mock portal) or USPACY_DOMAIN (a live portal), not both')
  if (!baseUrl && !domain) fail('set USPACY_BASE_URL (a mock portal) or USPACY_DOMAIN (a live portal) and credentials')

  let credentials
  if (env.USPACY_EMAIL && env.USPACY_PASSWORD) {
    credentials = { email: env.USPACY_EMAIL, password: env.USPACY_PASSWORD }
  } else if (env.USPACY_CLIENT_ID && env.USPACY_CLIENT_SECRET) {
    credentials = { clientId: env.USPACY_CLIENT_ID, clientSecret: env.USPACY_CLIENT_SECRET }
  } else if (env.USPACY_WEBHOOK_URL) {
    credentials = { webhookUrl: env.USPACY_WEBHOOK_URL }
  } else {
    fail('missing credentials: set USPACY_EMAIL and USPACY_PASSWORD, ' +
      'USPACY_CLIENT_ID and USPACY_CLIENT_SECRET, or USPACY_WEBHOOK_URL')
  }
  const portal = baseUrl ? { baseUrl } : { domain }
  return { client: new Uspacy({ ...portal, credentials }), live: Boolean(domain) }
}

// Returns whether changes may be sent: always to a mock, to a live portal only with --write.
export function mayWrite(live, writeFlag) {
  if (live && !writeFlag) {
    console.log('live portal without --write: reading only, changes are printed as a plan')
    return false
  }
  return true
}

// Returns a Map of option title to option value of a list field, read from the field definitions.
export async function listOptions(client, entity, fieldCode) {
  const fields = (await client.crm.fields.list(entity)).data
  const field = fields.find((f) => f.code === fieldCode)
  if (!field) fail(`field ${fieldCode} not found among the fields of ${entity}`)
  if (field.type !== 'list') fail(`field ${fieldCode} of ${entity} is of type ${field.type}, not list`)
  return new Map((field.values ?? []).map((option) => [option.title, option.value]))
}

// Maps option titles to their values; a title that is not an option is an error.
export function mapTitles(options, titles, fieldCode) {
  const values = []
  for (const raw of titles) {
    const title = raw.trim()
    if (!title) continue
    if (!options.has(title)) fail(`'${title}' is not an option of ${fieldCode}; options: ${[...options.keys()].join(', ')}`)
    values.push(options.get(title))
  }
  return values
}
