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

/**
 * Opens what a sign-in as `me` leads to at once (Welcome first when the walk-through is not done, else
 * the start page); for an admin, then asks whether the company is still empty and, if so, moves him
 * to Administration (or makes it Welcome's end).
 */
export function landAfterSignIn(me: Me, go: (path: string) => void): void {
  const walkthrough = !settings().walkthroughDone
  go(walkthrough ? '/welcome' : `/${settings().startPage}`)
  if (me.role !== 'admin') return
  void api('GET /api/admin/employees').then(
    (list) => {
      if (!companyEmpty(me, list.employees)) return
      if (walkthrough && !settings().walkthroughDone) pending = '/admin'
      else go('/admin')
    },
    () => undefined,
  )
}

/** Where Welcome goes when done: what the sign-in chose, else the start page. */
export function takeLanding(): string {
  const to = pending ?? `/${settings().startPage}`
  pending = null
  return to
}
