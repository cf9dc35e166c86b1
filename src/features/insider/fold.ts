/**
 * Probe 11 finding 27: in a chat at 360 px an open Insider (~300 px) left room for one message. It
 * starts folded on a narrow screen (open on a wide one) and remembers what the operator chose last.
 */
const KEY = 'frontline.insider.open.'
/** The width from which the app has room beside the conversation (as the sheets' media queries). */
const WIDE = '(min-width: 641px)'

/** Open or folded at first: the operator's last choice for this place, else by the screen's width. */
export function initiallyOpen(place: string | undefined): boolean {
  if (!place) return true
  try {
    const saved = localStorage.getItem(KEY + place)
    if (saved === '1' || saved === '0') return saved === '1'
  } catch {
    // Storage refused (private mode): decide by width.
  }
  return typeof matchMedia === 'function' ? matchMedia(WIDE).matches : true
}

/** Remembers the operator's choice for this place. */
export function rememberOpen(place: string | undefined, open: boolean): void {
  if (!place) return
  try {
    localStorage.setItem(KEY + place, open ? '1' : '0')
  } catch {
    // Not remembered; the default applies next time.
  }
}
