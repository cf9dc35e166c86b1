/** Captures an app's log lines (pass `stream` as buildApp's `logStream`) for tests that read the log. */
import { PassThrough } from 'node:stream'

export interface LogCapture {
  stream: NodeJS.WritableStream
  /** Every line written so far, in order (clear with `lines.length = 0`). */
  lines: string[]
  /** The lines parsed as pino's JSON entries. */
  entries(): { level: number; msg: string; err?: unknown }[]
}

/** A fresh capture. */
export function captureLog(): LogCapture {
  const lines: string[] = []
  const stream = new PassThrough()
  stream.on('data', (b: Buffer) => lines.push(...b.toString().split('\n').filter(Boolean)))
  return {
    stream,
    lines,
    entries: () => lines.map((l) => JSON.parse(l) as { level: number; msg: string; err?: unknown }),
  }
}
