/** Account feature door (SPEC A1–A4). Screens are lazy; the session itself is src/lib/session. */
export { loadSettings, type StartPage, settings, updateSettings } from './settings.ts'

import { lazy } from 'solid-js'

// Screens load lazily; the session logic above is part of the shell.
export const LoginPage = lazy(() => import('./LoginPage.tsx'))
export const AccountPage = lazy(() => import('./AccountPage.tsx'))
export const WelcomePage = lazy(() => import('./Welcome.tsx'))
export const NotifyWarning = lazy(() => import('./NotifyWarning.tsx'))
