/** History paging (T4): what an older page added in front of the loaded window. */

/**
 * How many messages now come before the one that was first when an older page was asked for (0 when
 * nothing was prepended: the page was empty, or only newer messages arrived).
 */
export function olderAdded(prevFirstId: string, messages: readonly { id: string }[]): number {
  const i = messages.findIndex((m) => m.id === prevFirstId)
  return Math.max(i, 0)
}
