// The same code as usage.ts, imported by path, compiled with the `nodenext`
// resolution that Node.js projects use: the package's ES-module
// declarations must resolve there too (relative imports need extensions).
import {
  ConfigError,
  NetworkError,
  NotFound,
  TimeoutError,
  TokenPair,
  Uspacy,
  UspacyError,
  ValidationError,
  type Item,
  type Page,
} from '../../index.js'

async function main(file: File): Promise<void> {
  const client = new Uspacy({
    domain: 'acme',
    credentials: { email: 'owner@acme.ua', password: 'secret' },
    tokenStorage: 'localStorage',
    onTokens: (tokens: TokenPair) => console.log(tokens.expiresAt),
    timeouts: { request: 30 },
    retry: { maxAttempts: 2 },
  })
  const widget = new Uspacy({ domain: 'acme', credentials: { tokenProvider: async ({ rejected }) => (rejected ? 'new' : 'cached') } })
  const page: Page<Item> = await client.crm.items.list('deals', { page: 1, list: 50, sortBy: { id: 'desc' } })
  console.log(page.data[0]?.title, widget.baseUrl, client.tokenStorageKey)
  for await (const deal of client.crm.items.iter('deals', { list: 100 })) {
    console.log(deal.id)
  }
  await client.files.upload({ files: [{ name: 'Договір.pdf', data: file }], fields: { entityType: 'deals', entityId: 1 } })
  await client.files.upload({ files: [{ name: 'a.bin', data: new Uint8Array(4) }] })
  try {
    await client.call('crm.items.get', { pathParams: { entity_code: 'deals', id: 1 } })
  } catch (error) {
    if (error instanceof TimeoutError || error instanceof NetworkError) {
      console.log(error.url)
    } else if (error instanceof ValidationError) {
      console.log(error.fieldErrors)
    } else if (error instanceof NotFound || error instanceof ConfigError || error instanceof UspacyError) {
      console.log(error.kind)
    }
  }
}

void main
