/**
 * Issue 10 (warm start budget): the Requests list a fresh start shows — the New tab with the tab
 * counts and its first rows — saved for index.html's static shell to paint before the app runs
 * (lib/firstpaint holds the storage and its rules; public/boot.js paints it). The texts are the
 * rows' own (ChatListRow's helpers, the app's language), so the painted rows match the live ones.
 */
import { createEffect, onCleanup } from 'solid-js'
import {
  type RequestsSnapshot,
  SNAPSHOT_ROWS,
  SNAPSHOT_VERSION,
  type SnapshotRow,
  type SnapshotTab,
  saveSnapshot,
} from '../../lib/firstpaint/index.ts'
import { lang, t } from '../../lib/i18n/index.ts'
import { accountKey } from '../../lib/session/index.ts'
import type { ChatRow } from '../../lib/store/index.ts'
import { waitText } from './clock.ts'
import { unreadOf } from './mirror.ts'
import { channelText, chatName, previewText, when } from './text.ts'

/** A row as ChatListRow shows it at `now`. */
export function snapshotRow(c: ChatRow, now: number): SnapshotRow {
  const wait = c.state === 'new'
  return {
    href: `/requests/${encodeURIComponent(c.id)}`,
    name: chatName(c),
    channel: channelText(c.channel),
    preview: previewText(c.lastMessage).slice(0, 300),
    time: wait
      ? t('requests.waiting', { time: waitText(now - Date.parse(c.waitingOrd), lang()) })
      : when(c.lastAt),
    at: wait ? null : c.lastAt,
    unread: unreadOf(c),
  }
}

export interface SnapshotInput {
  me: { tenantId: string; id: string }
  /** Whether `/` starts on Requests. */
  start: boolean
  /** The tabs as the screen labels them, the New one first (shown at start). */
  tabs: SnapshotTab[]
  /** The list's accessible name. */
  label: string
  /** The New chats the list shows, in order. */
  rows: readonly ChatRow[]
  now: number
}

/** The snapshot of what a fresh start's Requests screen shows. */
export function buildSnapshot(i: SnapshotInput): RequestsSnapshot {
  return {
    v: SNAPSHOT_VERSION,
    account: accountKey(i.me),
    lang: lang(),
    savedAt: new Date(i.now).toISOString(),
    start: i.start,
    label: i.label,
    offline: t('requests.offline'),
    tabs: i.tabs,
    rows: i.rows.slice(0, SNAPSHOT_ROWS).map((c) => snapshotRow(c, i.now)),
  }
}

/** After the screen settles (debounced, then in idle time): what the first rows are worth to wait for. */
const SETTLE_MS = 400

/**
 * Saves the snapshot whenever `input` changes (call in the Requests screen); `input` returns null
 * while the list has not been read yet (an empty list before the mirror answered is not the list).
 */
export function keepSnapshot(input: () => Omit<SnapshotInput, 'now'> | null): void {
  let timer: ReturnType<typeof setTimeout> | undefined
  let idle: number | undefined
  const cancel = () => {
    clearTimeout(timer)
    if (idle !== undefined && typeof cancelIdleCallback === 'function') cancelIdleCallback(idle)
    idle = undefined
  }
  createEffect(() => {
    const x = input()
    cancel()
    if (!x) return
    const save = () => saveSnapshot(buildSnapshot({ ...x, now: Date.now() }))
    timer = setTimeout(() => {
      if (typeof requestIdleCallback === 'function') idle = requestIdleCallback(save, { timeout: 2000 })
      else save()
    }, SETTLE_MS)
  })
  onCleanup(cancel)
}
