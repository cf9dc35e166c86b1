/**
 * Probe 11 finding 1 (issue 11 item 8): index.html's static shell stays until the app has something
 * of its own on the screen, then goes in the same frame. Clearing it before rendering left an empty
 * page while a lazy screen's chunk was still on its way (a first visit on a slow network).
 */

/** Is there an app screen in `root` besides the shell (a box with height — not an empty toast stack)? */
function appShown(root: HTMLElement, shell: Element): boolean {
  for (const el of root.children) if (el !== shell && el.getBoundingClientRect().height > 0) return true
  return false
}

/**
 * Issue 10 (warm start): a shell showing the operator's last Requests list (boot.js marks it
 * `data-snapshot`) stays until the app's own list has been read (the Requests screen's `data-live`) and
 * its rows are in, not just until the frame is there — else the rows would blink out and back. If the app goes to
 * another screen (signed out, Requests switched off) there is no list to wait for.
 */
function ready(root: HTMLElement, shell: Element): boolean {
  if (!appShown(root, shell)) return false
  if (!shell.hasAttribute('data-snapshot')) return true
  // Read, and its rows laid out (the virtual list renders them once it has measured) or its empty text.
  const live = root.querySelector('.requests-page[data-live]')
  if (live && !shell.contains(live) && live.querySelector('.vrow a, .empty-small')) return true
  return !/^\/(requests\/?)?$/.test(location.pathname)
}

/**
 * Removes `shell` from `root` as soon as the app's own screen is in it: a MutationObserver's callback
 * runs before the browser paints, so no frame shows neither (nor both). After `giveUpMs` it goes anyway.
 */
export function dropShellWhenShown(root: HTMLElement, shell: Element, giveUpMs = 15_000): void {
  const done = () => {
    observer.disconnect()
    clearTimeout(timer)
    shell.remove()
  }
  const observer = new MutationObserver(() => {
    if (ready(root, shell)) done()
  })
  observer.observe(root, { childList: true, subtree: true, attributes: true, attributeFilter: ['data-live'] })
  const timer = setTimeout(done, giveUpMs)
  if (ready(root, shell)) done()
}
