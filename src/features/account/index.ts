/** Account feature door (SPEC A1–A4). Screens are lazy; session logic is shared with the shell. */
// The session moved to src/lib/session (the shared core); re-exported here for the shell's old imports.
export type { SavedAccount } from '../../lib/session/index.ts'
export {
  accounts,
  active,
  clearRevoked,
  loadAccounts,
  markRevoked,
  me,
  patchMe,
  refreshMe,
  revoked,
  signIn,
  signOut,
  sip,
  switchTo,
  token,
} from '../../lib/session/index.ts'
export { loadSettings, type StartPage, settings, updateSettings } from './settings.ts'

import { lazy } from 'solid-js'

// Screens load lazily; the session logic above is part of the shell.
export const LoginPage = lazy(() => import('./LoginPage.tsx'))
export const AccountPage = lazy(() => import('./AccountPage.tsx'))
export const WelcomePage = lazy(() => import('./Welcome.tsx'))
