/**
 * The one client dispatcher (ARCHITECTURE "Events and side effects"): each feature registers its
 * handlers (`features/<area>/events.ts`, registered by its door); the link hands every server event
 * here once. In ONE Dexie transaction the event's `lastSeq` is stored and every handler's Dexie part
 * runs (exactly once: a repeated or older seq changes nothing); after that transaction committed,
 * every handler's after-commit part runs once. An event type nobody handles (a newer server's) only
 * moves `lastSeq`.
 */
import type { EventPayloads, EventType, ServerEvent } from '../../../contract/events.ts'
import { type FrontlineDb, getMeta, setMeta, type TableName } from '../store/index.ts'
import { shouldApply } from './machine.ts'

/** The event of one type. */
export type EventOf<K extends EventType> = Extract<ServerEvent, { type: K }>

/** What a feature does with one event type. */
export interface EventHandler<K extends EventType> {
  /** Tables `apply` writes (the apply transaction opens them; `meta` is always open). */
  tables?: readonly TableName[]
  /** The Dexie part: runs inside the apply transaction, before `lastSeq` moves. Must not await anything but Dexie. */
  apply?: (db: FrontlineDb, ev: EventOf<K>) => Promise<unknown> | undefined
  /** The after-commit part: signals, refreshes, toasts. Runs once per applied event. */
  after?: (ev: EventOf<K>, db: FrontlineDb) => void
}

/** A feature's handlers by event type. */
export type EventHandlers = { [K in EventType]?: EventHandler<K> }

/** What a feature registers. */
export interface FeatureEvents {
  /** The feature's name (for logs). */
  owner: string
  on: EventHandlers
  /**
   * The data this feature mirrors from the feed, dropped when the mirror came from another feed
   * (server reset): `tables` are opened in the link's reset transaction, `drop` empties them.
   */
  reset?: { tables: readonly TableName[]; drop: (db: FrontlineDb) => Promise<unknown> }
}

type AnyHandler = {
  tables?: readonly TableName[]
  apply?: (db: FrontlineDb, ev: ServerEvent) => Promise<unknown> | undefined
  after?: (ev: ServerEvent, db: FrontlineDb) => void
}

/** A set of registered features and the one way events go through them. */
export interface Dispatcher {
  /** Register a feature's handlers; returns a function that removes them. */
  register(events: FeatureEvents): () => void
  /** Apply one event (once) and run the after-commit parts; returns whether it was applied. */
  dispatch(db: FrontlineDb, ev: ServerEvent): Promise<boolean>
  /** Drop every feature's feed-filled data and set `lastSeq`, in one transaction. */
  reset(db: FrontlineDb, since: number): Promise<void>
}

/** A fresh dispatcher (the app uses the shared `dispatcher`; tests make their own). */
export function createDispatcher(): Dispatcher {
  const features = new Set<FeatureEvents>()

  const handlersOf = (type: string): { owner: string; h: AnyHandler }[] => {
    const out: { owner: string; h: AnyHandler }[] = []
    for (const f of features) {
      const h = (f.on as Record<string, AnyHandler | undefined>)[type]
      if (h) out.push({ owner: f.owner, h })
    }
    return out
  }

  return {
    register(events) {
      features.add(events)
      return () => {
        features.delete(events)
      }
    },

    async dispatch(db, ev) {
      const hs = handlersOf(ev.type)
      const tables = new Set<string>(['meta'])
      for (const { h } of hs) for (const t of h.tables ?? []) tables.add(t)
      const applied = await db.transaction('rw', [...tables], async () => {
        const last = (await getMeta<number>(db, 'lastSeq')) ?? 0
        if (!shouldApply(last, ev.seq)) return false
        for (const { h } of hs) await h.apply?.(db, ev)
        await setMeta(db, 'lastSeq', ev.seq)
        return true
      })
      if (!applied) return false
      for (const { owner, h } of hs)
        try {
          h.after?.(ev, db)
        } catch (e) {
          // One feature's failure must not keep the others from hearing the event.
          console.error(`sync: ${owner} failed after ${ev.type}`, e)
        }
      return true
    },

    async reset(db, since) {
      const parts = [...features].flatMap((f) => (f.reset ? [f.reset] : []))
      const tables = new Set<string>(['meta'])
      for (const p of parts) for (const t of p.tables) tables.add(t)
      await db.transaction('rw', [...tables], async () => {
        for (const p of parts) await p.drop(db)
        await setMeta(db, 'lastSeq', since)
      })
    },
  }
}

/** The app's dispatcher: feature doors register here (`registerEvents`), the link dispatches here. */
export const dispatcher: Dispatcher = createDispatcher()

/** Register a feature's event handlers with the app's dispatcher (call it from the feature's door). */
export function registerEvents(events: FeatureEvents): () => void {
  return dispatcher.register(events)
}

export type { EventPayloads }
