/** SPEC A6: precache the app shell and answer navigations with index.html when offline. */
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching'
import { NavigationRoute, registerRoute } from 'workbox-routing'

type Manifest = Array<{ url: string; revision: string | null }>

/** Install precaching for the build's manifest and the SPA navigation fallback. */
export function setupPrecache(manifest: Manifest): void {
  precacheAndRoute(manifest)
  cleanupOutdatedCaches()
  // The API and the demo site are never the SPA: let them hit the network (and fail honestly offline).
  registerRoute(
    new NavigationRoute(createHandlerBoundToURL('index.html'), {
      denylist: [/^\/api(\/|$)/, /^\/site(\/|$)/, /^\/internal(\/|$)/],
    }),
  )
}
