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
    if (appShown(root, shell)) done()
  })
  observer.observe(root, { childList: true, subtree: true })
  const timer = setTimeout(done, giveUpMs)
  if (appShown(root, shell)) done()
}
