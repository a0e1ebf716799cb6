// Type-checks typical CommonJS usage against the package's declarations.
import uspacy = require('uspacy')

const client = new uspacy.Uspacy({ baseUrl: 'http://127.0.0.1:1', credentials: { accessToken: 'a', refreshToken: 'r' } })

export async function run(): Promise<void> {
  const me = await client.users.me.get()
  void me
  const fields: uspacy.Data<uspacy.Field[]> = await client.crm.fields.list('deals')
  void fields.data.length
  const error: unknown = undefined
  if (error instanceof uspacy.ValidationError) {
    const messages: string[] | undefined = error.fieldErrors.title
    void messages
  }
}
