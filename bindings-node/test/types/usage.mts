// Type-checks typical ESM usage against the package's declarations.
import { Uspacy, NotFound, RateLimited, UspacyError, type Item, type Page, type TokenPair } from 'uspacy'

const client = new Uspacy({
  domain: 'acme',
  credentials: { email: 'owner@acme.ua', password: 'secret' },
  timeouts: { request: 30 },
  retry: { maxAttempts: 2 },
  onTokens: (tokens: TokenPair) => {
    const stored: string = JSON.stringify(tokens)
    void stored
  },
})

export async function run(): Promise<void> {
  const page: Page<Item> = await client.crm.items.list('deals', {
    page: 1,
    list: 50,
    filters: { condition: 'and', filters: [{ field: 'owner', operator: 'eq', values: [1] }] },
    owner: [1, 2],
  })
  const first: Item | undefined = page.data[0]
  const title: string | undefined = first?.title
  void title

  for await (const deal of client.crm.items.iter('deals', { list: 100 })) {
    const id = deal.id
    void id
  }

  const created = await client.crm.items.create('deals', { title: 'Постачання', uf_crm_1: 'x' })
  void created.id

  await client.files.upload({ files: [{ name: 'Договір №5.pdf', data: new Uint8Array([1, 2]) }], fields: { entityType: 'deals' } })
  await client.messenger.messages.create({ chatId: 'c1', message: 'Привіт' })

  try {
    await client.crm.items.get('deals', 1)
  } catch (error) {
    if (error instanceof NotFound) {
      const status: number = error.status
      void status
    } else if (error instanceof RateLimited) {
      const wait: number | undefined = error.retryAfter
      void wait
    } else if (error instanceof UspacyError) {
      void error.kind
    }
  }
  client.close()
}
