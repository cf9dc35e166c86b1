/** Requests feature door. Screens load lazily. */
import { lazy } from 'solid-js'

export const RequestsPage = lazy(() => import('./RequestsPage.tsx'))
