/** Calls feature door. Screens load lazily, so the shell never pulls the softphone in. */
import { lazy } from 'solid-js'

export const CallsPage = lazy(() => import('./CallsPage.tsx'))
