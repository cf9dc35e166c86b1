/** On-site feature door. Screens load lazily. */
import { lazy } from 'solid-js'

export const OnsitePage = lazy(() => import('./OnsitePage.tsx'))
