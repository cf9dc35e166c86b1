/** A shared one-second clock for the waiting times (T2): one timer however many rows tick. */
import { createSignal, getOwner, onCleanup } from 'solid-js'

const [now, setNow] = createSignal(Date.now())
let users = 0
let timer: ReturnType<typeof setInterval> | undefined

/** The current time, updated every second while a component uses it. */
export function useNow(): () => number {
  if (getOwner()) {
    if (users++ === 0) {
      setNow(Date.now())
      timer = setInterval(() => setNow(Date.now()), 1000)
    }
    onCleanup(() => {
      if (--users === 0) clearInterval(timer)
    })
  }
  return now
}

/** How long since `since`: "45 s", "3 min", "1 h 5 min" (units from the dictionary's words). */
export function waitText(ms: number, lang: 'ru' | 'en'): string {
  const s = Math.max(0, Math.floor(ms / 1000))
  const u = lang === 'ru' ? { s: 'с', m: 'мин', h: 'ч' } : { s: 's', m: 'min', h: 'h' }
  if (s < 60) return `${s} ${u.s}`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m} ${u.m}`
  return `${Math.floor(m / 60)} ${u.h} ${m % 60} ${u.m}`
}
