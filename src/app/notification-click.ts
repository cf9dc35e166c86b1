/**
 * SPEC N2: what the page does with a tapped notification. The worker has already made the API call
 * (Take, Accept, Decline); here the app shows the screen — once the change feed has applied events
 * up to the push's seq, so the screen never shows the state from before the push (offline: after a
 * short wait, what the mirror has).
 */
import { offline } from '../lib/net/index.ts'
import { waitForSeq } from '../lib/push/index.ts'
import { db } from '../lib/store/index.ts'
import type { NotificationClick } from './pwa.ts'

/** How long a screen waits for the feed before it shows what the mirror has. */
const FRESH_WAIT_MS = 5000

async function fresh(seq: number | null): Promise<void> {
  const d = db()
  if (seq === null || !d || offline()) return
  await waitForSeq(d, seq, FRESH_WAIT_MS)
}

/** Navigates to the tapped notification's screen with fresh data. */
export async function openFromNotification(click: NotificationClick): Promise<void> {
  if (!click.path) return
  await fresh(click.seq)
  const here = location.pathname + location.search
  if (here !== click.path) history.pushState(null, '', click.path)
  dispatchEvent(new PopStateEvent('popstate'))
}

/** A window opened cold by a tap (`?seq=N`, sw/clicks.ts withSeq): wait for that seq, drop the param. */
export async function freshStart(): Promise<void> {
  const url = new URL(location.href)
  const raw = url.searchParams.get('seq')
  if (raw === null) return
  url.searchParams.delete('seq')
  history.replaceState(history.state, '', url.pathname + url.search + url.hash)
  const seq = Number(raw)
  if (Number.isSafeInteger(seq) && seq > 0) await fresh(seq)
}
