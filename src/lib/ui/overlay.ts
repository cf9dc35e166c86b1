/**
 * Sheets, dialogs and menus share one behaviour: one open at a time (opening one closes the other),
 * focus moves into it on open and back to what opened it on close, Escape closes it, and a menu
 * also closes on a tap outside. Call `useOverlay` in the component that is mounted while it is open.
 */
import { onCleanup, onMount } from 'solid-js'

interface Open {
  id: symbol
  close: () => void
}
let current: Open | null = null

const FOCUSABLE =
  'button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])'

export interface OverlayOptions {
  /** Close on a pointer press outside the element (menus). */
  outside?: boolean
  /** Where focus goes first: the first control (default) or the container itself. */
  focus?: 'first' | 'self'
  /** A selector tried first for the element that takes focus (e.g. the sheet's input). */
  initial?: string
  /** Keep Tab inside (modal dialogs). */
  trap?: boolean
}

export function useOverlay(
  el: () => HTMLElement | undefined,
  close: () => void,
  opts: OverlayOptions = {},
): void {
  const trigger = document.activeElement instanceof HTMLElement ? document.activeElement : null
  const me: Open = { id: Symbol('overlay'), close }
  const prev = current
  current = me
  if (prev) prev.close()

  const onKey = (e: KeyboardEvent) => {
    if (current !== me) return
    if (e.key === 'Escape') {
      e.preventDefault()
      e.stopPropagation()
      close()
      return
    }
    const root = el()
    if (e.key === 'Tab' && opts.trap && root) {
      const items = [...root.querySelectorAll<HTMLElement>(FOCUSABLE)]
      const first = items[0]
      const last = items[items.length - 1]
      if (!first || !last) return
      if (e.shiftKey && document.activeElement === first) {
        e.preventDefault()
        last.focus()
      } else if (!e.shiftKey && document.activeElement === last) {
        e.preventDefault()
        first.focus()
      }
    }
  }
  const onDown = (e: PointerEvent) => {
    const root = el()
    if (current !== me || !root || root.contains(e.target as Node)) return
    // The trigger toggles the menu itself.
    if (trigger?.contains(e.target as Node)) return
    close()
  }
  document.addEventListener('keydown', onKey, true)
  if (opts.outside) document.addEventListener('pointerdown', onDown, true)

  onMount(() => {
    const root = el()
    if (!root) return
    const target =
      opts.focus === 'self'
        ? root
        : ((opts.initial ? root.querySelector<HTMLElement>(opts.initial) : null) ??
          root.querySelector<HTMLElement>(FOCUSABLE) ??
          root)
    if (target === root && !root.hasAttribute('tabindex')) root.tabIndex = -1
    target.focus({ preventScroll: true })
  })
  onCleanup(() => {
    document.removeEventListener('keydown', onKey, true)
    document.removeEventListener('pointerdown', onDown, true)
    if (current === me) {
      current = null
      // Back to what opened it, if it is still on the page (and focus is not already elsewhere).
      const root = el()
      const active = document.activeElement
      if (trigger?.isConnected && (!active || active === document.body || root?.contains(active)))
        trigger.focus({ preventScroll: true })
    }
  })
}

/** Arrow keys, Home and End move between a menu's items. */
export function menuKeys(e: KeyboardEvent, menu: HTMLElement | undefined): void {
  if (!menu) return
  const items = [...menu.querySelectorAll<HTMLElement>('[role="menuitem"]:not([disabled])')]
  if (items.length === 0) return
  const at = items.indexOf(document.activeElement as HTMLElement)
  const to =
    e.key === 'ArrowDown'
      ? (at + 1) % items.length
      : e.key === 'ArrowUp'
        ? (at - 1 + items.length) % items.length
        : e.key === 'Home'
          ? 0
          : e.key === 'End'
            ? items.length - 1
            : -1
  if (to < 0) return
  e.preventDefault()
  items[to]?.focus()
}
