/**
 * Where a sign-in lands (probe 13 #13): an admin of a company with no other employees yet goes to
 * Administration (an empty Calls tab tells him nothing); anyone else to his start page. The first-run
 * walk-through (Welcome) comes first and lands there after.
 */
import type { Me } from '../../../contract/api.ts'
import { api } from '../../lib/api/index.ts'
import { settings } from './settings.ts'

let pending: string | null = null

/** Whether an admin's company has no active employee but him (then he starts in Administration). */
export function companyEmpty(
  me: Pick<Me, 'id'>,
  employees: readonly { id: string; active: boolean }[],
): boolean {
  return !employees.some((e) => e.active && e.id !== me.id)
}

/** The path to open after signing in as `me` (Welcome first when the walk-through is not done). */
export async function landingAfterSignIn(me: Me): Promise<string> {
  let target = `/${settings().startPage}`
  if (me.role === 'admin') {
    const list = await api('GET /api/admin/employees').catch(() => null)
    if (list && companyEmpty(me, list.employees)) target = '/admin'
  }
  if (settings().walkthroughDone) return target
  pending = target
  return '/welcome'
}

/** Where Welcome goes when done: what the sign-in chose, else the start page. */
export function takeLanding(): string {
  const to = pending ?? `/${settings().startPage}`
  pending = null
  return to
}
