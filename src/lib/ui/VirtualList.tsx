/** A virtualized list (CONVENTIONS: lists that can grow) on @tanstack/solid-virtual. */
import { createVirtualizer } from '@tanstack/solid-virtual'
import { For, type JSX } from 'solid-js'

interface Props<T> {
  items: readonly T[]
  rowHeight: number
  label: string
  children: (item: T) => JSX.Element
}

/** Renders only the rows in view; the container scrolls (fills its flex parent). */
export function VirtualList<T>(props: Props<T>) {
  let scroller: HTMLDivElement | undefined
  const v = createVirtualizer({
    get count() {
      return props.items.length
    },
    getScrollElement: () => scroller ?? null,
    estimateSize: () => props.rowHeight,
    overscan: 8,
  })
  return (
    <div class="vlist" ref={scroller}>
      <ul
        class="list"
        aria-label={props.label}
        style={{ height: `${v.getTotalSize()}px`, position: 'relative' }}
      >
        <For each={v.getVirtualItems()}>
          {(row) => {
            const item = () => props.items[row.index]
            return (
              <li
                class="vrow"
                aria-setsize={props.items.length}
                aria-posinset={row.index + 1}
                style={{ height: `${row.size}px`, transform: `translateY(${row.start}px)` }}
              >
                {item() !== undefined ? props.children(item() as T) : null}
              </li>
            )
          }}
        </For>
      </ul>
    </div>
  )
}
