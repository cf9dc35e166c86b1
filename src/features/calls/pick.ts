/** Which calls the call screen shows (C6): pure, so it is tested without a phone. */
import type { CallState } from '../../lib/phone/state.ts'

/** A call that still occupies the operator. */
export const isLive = (c: CallState): boolean => c.status !== 'ended' && c.status !== 'idle'
const started = (c: CallState) => c.startedAt ?? 0

/** The main call (the client) and the consultation call, if any (C6). */
export function pickCalls(list: readonly CallState[]): { main?: CallState; consult?: CallState } {
  const live = list.filter(isLive).sort((a, b) => started(a) - started(b))
  const [first, second] = live
  if (!first) {
    const last = [...list]
      // An offered call that ended unanswered closes at once (C1): it never becomes a call screen.
      .filter((c) => c.status === 'ended' && !(c.direction === 'incoming' && c.answeredAt === null))
      .sort((a, b) => (b.endedAt ?? 0) - (a.endedAt ?? 0))[0]
    return { main: last }
  }
  if (second) return { main: first, consult: second }
  // The colleague did not answer / hung up: show how the consultation ended while the client waits.
  const ended =
    first.status === 'held'
      ? list
          .filter((c) => c.status === 'ended' && started(c) >= started(first))
          .sort((a, b) => started(b) - started(a))[0]
      : undefined
  return { main: first, consult: ended }
}
