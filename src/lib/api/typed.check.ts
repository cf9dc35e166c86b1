/**
 * Compile-time test of the typed client (tsconfig.app.json compiles it; nothing imports or runs it).
 * Each `@ts-expect-error` line must fail to compile — if one starts compiling, tsc reports the
 * unused directive, so a loosened type breaks the build.
 */
import type { CallDetails, CallPage, LoginResponse } from '../../../contract/index.ts'
import { api, apiUrl } from './client.ts'

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
const same = <A, B>(ok: Equal<A, B>): Equal<A, B> => ok

export async function typedApiChecks(id: string): Promise<void> {
  // The answer is the route's reply type.
  const page = await api('GET /api/calls')
  same<typeof page, CallPage>(true)
  const details = await api('GET /api/calls/:id', { params: { id } })
  same<typeof details, CallDetails>(true)
  const login = await api('POST /api/auth/login', { body: { login: 'a', password: 'b' }, token: null })
  same<typeof login, LoginResponse>(true)
  const gone = await api('DELETE /api/auth/sessions/:id', { params: { id } })
  same<typeof gone, undefined>(true)
  // Optional parts may be left out.
  await api('GET /api/contacts/clients')
  await api('GET /api/calls', { query: { scope: 'all', before: 'x' } })

  // @ts-expect-error a path that is not a route
  await api('GET /api/call')
  // @ts-expect-error a method the route does not have
  await api('POST /api/calls')
  // @ts-expect-error the body is required
  await api('PUT /api/me/status')
  // @ts-expect-error a body field the schema does not have
  await api('PUT /api/me/status', { body: { state: 'online' } })
  // @ts-expect-error a body field of the wrong type
  await api('POST /api/chats/:id/read', { params: { id }, body: { upToN: '3' } })
  // @ts-expect-error a body where the route takes none
  await api('POST /api/calls/missed/:id/handle', { params: { id }, body: {} })
  // @ts-expect-error the path parameter is missing
  await api('GET /api/calls/:id')
  // @ts-expect-error a path parameter of another name
  await api('GET /api/calls/:id', { params: { callId: id } })
  // @ts-expect-error a query value outside the schema's picklist
  await api('GET /api/calls', { query: { scope: 'everyone' } })
  // @ts-expect-error the answer is not what the caller claims
  const wrong: CallPage = await api('GET /api/calls/:id', { params: { id } })
  void wrong
  apiUrl('PUT /api/calls/recording/:sipCallId', { params: { sipCallId: id } })
  // @ts-expect-error apiUrl takes route keys only
  apiUrl('GET /api/nope')
  // @ts-expect-error apiUrl needs the path parameters too
  apiUrl('PUT /api/calls/recording/:sipCallId')
}
