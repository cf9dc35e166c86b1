/**
 * Every route the app registered, as Fastify reported it (onRoute). The fuzz suite and the
 * tenant-isolation matrix read it, so a route added later is fuzzed and isolation-checked by itself.
 */
import type { FastifyInstance } from 'fastify'
import { type AuthLevel, authOf } from './scope.ts'

export interface RouteEntry {
  method: string
  /** The path as registered, with `:params` and `*`. */
  url: string
  websocket: boolean
  /** Who may call it, as its scope declared (scope.ts); `public` for routes outside any scope. */
  auth: AuthLevel
}

const tables = new WeakMap<FastifyInstance, RouteEntry[]>()

/** Starts recording; call before any route or plugin is registered (onRoute reaches child scopes). */
export function recordRoutes(app: FastifyInstance): void {
  const table: RouteEntry[] = []
  tables.set(app, table)
  app.addHook('onRoute', (r) => {
    const methods = Array.isArray(r.method) ? r.method : [r.method]
    for (const method of methods)
      table.push({
        method: String(method),
        url: r.url,
        websocket: Boolean(r.websocket),
        auth: authOf(r.config) ?? 'public',
      })
  })
}

/** The routes of an app built by buildApp (HEAD twins of GET routes included). */
export function routeTable(app: FastifyInstance): readonly RouteEntry[] {
  const t = tables.get(app)
  if (!t) throw new Error('routeTable: recordRoutes(app) was not called before the routes')
  return t
}
