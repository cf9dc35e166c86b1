/// <reference lib="webworker" />
/** The service worker entry: each concern lives in its own module (CONVENTIONS: small SW). */
import { setupOutbox } from './outbox.ts'
import { setupPrecache } from './precache.ts'
import { setupPush } from './push.ts'
import { setupUpdate } from './update.ts'

declare const self: ServiceWorkerGlobalScope & {
  __WB_MANIFEST: Array<{ url: string; revision: string | null }>
}

setupPrecache(self.__WB_MANIFEST)
setupUpdate(self)
setupPush(self)
setupOutbox(self)
