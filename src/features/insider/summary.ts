/**
 * Probe 11 findings 16 and 27: a visitor in one line — the page he is on (its path, not the site's
 * title, which every visitor shares), where he came from, his visits. The On site rows and the folded
 * Insider of a chat say it.
 */
import type { InsiderView, OnsiteView } from '../../../contract/tracking.ts'
import { t } from '../../lib/i18n/index.ts'

/** "/site/?section=prices": the page's path and query without the UTM tags (shown on their own). */
export function pagePath(url: string): string {
  try {
    const u = new URL(url)
    for (const k of [...u.searchParams.keys()]) if (k.startsWith('utm_')) u.searchParams.delete(k)
    const q = u.searchParams.toString()
    return `${u.pathname}${q ? `?${q}` : ''}`
  } catch {
    return url
  }
}

/** "vk · social · november"; null when he came without tags. */
export function sourceText(utm: OnsiteView['utm']): string | null {
  if (!utm) return null
  const parts = [utm.source, utm.medium, utm.campaign].filter((s): s is string => !!s?.trim())
  return parts.length ? parts.join(' · ') : null
}

/** "vk · social · november · /site/?section=prices · visits: 1" for a folded Insider. */
export function insiderSummary(i: InsiderView): string {
  return [
    sourceText(i.utm),
    i.currentPage ? pagePath(i.currentPage.url) : null,
    i.visits ? t('onsite.visits', { n: i.visits }) : null,
  ]
    .filter(Boolean)
    .join(' · ')
}
