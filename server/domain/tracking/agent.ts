/// <reference path="./ua-parser-js.d.ts" />
/** Browser, system and device of a visitor (I3), parsed on the server with ua-parser-js 1.x (MIT). */
import { UAParser } from 'ua-parser-js'

export interface Agent {
  browser: string
  os: string
  device: string
}

const join = (...parts: (string | undefined)[]) => parts.filter(Boolean).join(' ').slice(0, 100)

/** What a User-Agent header says (empty strings where it says nothing). */
export function agentOf(ua: string | undefined): Agent {
  const r = new UAParser((ua ?? '').slice(0, 1000)).getResult()
  const kind = r.device.type === 'mobile' || r.device.type === 'tablet' ? r.device.type : 'desktop'
  return {
    browser: join(r.browser.name, r.browser.major),
    os: join(r.os.name, r.os.version),
    device: join(kind, r.device.vendor, r.device.model),
  }
}
