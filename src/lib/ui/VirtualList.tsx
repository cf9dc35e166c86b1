/**
 * A virtualized list (CONVENTIONS: lists that can grow) on @tanstack/solid-virtual.
 *
 * Rows are keyed by the item's id, not by the virtualizer's row objects: those are new on every
 * measure or scroll and the lists' live queries hand over new objects on every change, and keying by
 * either rebuilt every visible row — a menu or button the operator was pressing was detached under the
 * tap. The items are reconciled into a store by id, so an updated call or chat keeps its row (and its
 * DOM) and only the changed fields re-render.
 */
import { createVirtualizer } from '@tanstack/solid-virtual'
import { createComputed, createMemo, For, type JSX } from 'solid-js'
import { createStore, reconcile } from 'solid-js/store'

interface Props<T extends { id: string }> {
  items: readonly T[]
  rowHeight: number
  /** A row's height when rows differ (e.g. day headers between calls); else `rowHeight`. */
  sizeOf?: (item: T) => number
  label: string
  children: (item: T) => JSX.Element
  /** Told the index of the last row rendered (in view plus overscan) as it changes: lists read by window grow. */
  onEnd?: (lastIndex: number) => void
  /**
   * Rows take the height of their content (measured as they render; `sizeOf` is the estimate): a row
   * whose text wraps (a long name, probe 12 UI #8) grows instead of cutting it. Off: fixed heights.
   */
  measured?: boolean
}

/** Renders only the rows in view; the container scrolls (fills its flex parent). */
export function VirtualList<T extends { id: string }>(props: Props<T>) {
  let scroller: HTMLDivElement | undefined
  const [rows, setRows] = createStore<{ list: T[] }>({ list: [] })
  createComputed(() => setRows('list', reconcile([...props.items], { key: 'id', merge: true })))
  const v = createVirtualizer({
    get count() {
      return rows.list.length
    },
    getScrollElement: () => scroller ?? null,
    estimateSize: (i) => {
      const item = rows.list[i]
      return item && props.sizeOf ? props.sizeOf(item) : props.rowHeight
    },
    overscan: 8,
    // Measured sizes follow the item, not its place (a new call on top moves every row down one).
    getItemKey: (i) => rows.list[i]?.id ?? i,
  })
  /** The rows in view, as the store's items (stable per id) with their place in the list. */
  const inView = createMemo(() => v.getVirtualItems())
  // The items change before the virtualizer has counted them: for that moment its rows in view are
  // the old ones, and mapping them onto the new items would unmount a row that only moved (a new
  // call on top pushes the rest down). Keep the last rows until it has caught up; its total size
  // changes with the count, so this runs again then.
  const visible = createMemo<T[]>((last) => {
    v.getTotalSize()
    const rowsInView = inView()
    if (v.options.count !== rows.list.length) return last
    return rowsInView.flatMap((r) => rows.list[r.index] ?? [])
  }, [])
  const place = createMemo(() => new Map(inView().map((r) => [rows.list[r.index]?.id, r])))
  createComputed(() => {
    const last = inView().at(-1)?.index
    if (props.onEnd && last !== undefined) props.onEnd(last)
  })
  return (
    <div class="vlist" ref={scroller}>
      <ul
        class="list"
        aria-label={props.label}
        style={{ height: `${v.getTotalSize()}px`, position: 'relative' }}
      >
        <For each={visible()}>
          {(item) => {
            const row = () => place().get(item.id)
            return (
              <li
                class="vrow"
                classList={{ 'vrow-measured': props.measured === true }}
                data-index={row()?.index}
                ref={(el) => {
                  if (props.measured) queueMicrotask(() => el.isConnected && v.measureElement(el))
                }}
                aria-setsize={rows.list.length}
                aria-posinset={(row()?.index ?? 0) + 1}
                style={{
                  height: props.measured ? undefined : `${row()?.size ?? props.rowHeight}px`,
                  transform: `translateY(${row()?.start ?? 0}px)`,
                }}
              >
                {props.children(item)}
              </li>
            )
          }}
        </For>
      </ul>
    </div>
  )
}
