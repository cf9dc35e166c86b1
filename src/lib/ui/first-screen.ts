/**
 * Issue 11 item 8 (first paint): work that the first screen need not wait for — the phone's 238 KB
 * SIP.js chunk above all — starts once the first signed-in screen has painted (the shell marks it:
 * `ScreenPainted` inside its Suspense, so after the lazy screen rendered, a frame later), or after
 * `FIRST_SCREEN_MAX_MS` whatever happens, or at once when `hurryFirstScreen()` says a call waits.
 */
import { onMount } from 'solid-js'

/** The longest anything waits for the first screen (a screen that never settles delays nothing more). */
export const FIRST_SCREEN_MAX_MS = 1500

let mark: () => void = () => undefined
let done = false
const painted = new Promise<void>((ok) => {
  mark = () => {
    done = true
    ok()
  }
})

/** Whether the first screen has painted (or was hurried). */
export function firstScreenPainted(): boolean {
  return done
}

/** Resolves once the first screen has painted, or after `maxMs`. */
export function afterFirstScreen(maxMs = FIRST_SCREEN_MAX_MS): Promise<void> {
  if (done) return Promise.resolve()
  return Promise.race([painted, new Promise<void>((ok) => setTimeout(ok, maxMs))])
}

/** Something cannot wait for the first screen (a call is waiting to be answered): let it go now. */
export function hurryFirstScreen(): void {
  mark()
}

/** Rendered by the shell after its screen (inside the Suspense): marks the first paint of a screen. */
export function ScreenPainted(): null {
  onMount(() => {
    if (done) return
    // The frame that shows the screen has been presented once the next frame begins (a callback of
    // the first frame runs before its paint: requests sent from there raced the paint they follow).
    requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(mark, 0)))
  })
  return null
}
