/**
 * Issue 7 budgets for the Requests mirror, in Chromium's real IndexedDB: open a chat holding 10,000
 * messages (its last 50) ≤ 20 ms; the Requests lists and counts over 5,000 chats.
 */
import path from 'node:path'
import { chromium } from '@playwright/test'
import { build } from 'esbuild'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../scripts/harness.ts'

export interface RequestsDexieReport {
  openChatFirst: number
  openChat: number
  listNew: number
  listActive: number
  counts: number
}

/** Bundles the page half, runs it on an http origin (IndexedDB needs one), returns medians in ms. */
export async function measureRequestsDexie(root: string): Promise<RequestsDexieReport> {
  const bundle = await build({
    entryPoints: [path.join(root, 'bench/lib/requests-dexie-page.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    logLevel: 'silent',
  })
  const code = bundle.outputFiles[0]?.text ?? ''
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS })
  try {
    const page = await browser.newPage()
    await page.route('http://bench.local/**', (r) =>
      r.fulfill({ contentType: 'text/html', body: '<!doctype html>' }),
    )
    await page.goto('http://bench.local/')
    await page.addScriptTag({ content: code })
    return await page.evaluate(() =>
      (globalThis as unknown as { runBench: () => Promise<RequestsDexieReport> }).runBench(),
    )
  } finally {
    await browser.close()
  }
}

const ms = (n: number) => `${n.toFixed(1)} ms`

/** Human-readable lines for the report. */
export function formatRequestsDexie(r: RequestsDexieReport): string[] {
  return [
    `open a chat of 10,000 messages (last 50): ${ms(r.openChat)} median, ${ms(r.openChatFirst)} first (budget 20 ms: ${r.openChat <= 20 ? 'within' : 'OVER'})`,
    `Requests lists over 5,000 chats: New ${ms(r.listNew)}, In work ${ms(r.listActive)}, tab counts ${ms(r.counts)} (medians)`,
  ]
}
