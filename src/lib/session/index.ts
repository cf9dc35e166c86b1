/**
 * The session core: the saved accounts, the active one, its profile (`me`), its token and its SIP
 * settings. Every feature and the shell read them here, so no feature needs another's internals for
 * who is signed in (the account feature holds only the screens).
 */
export { type AccountsState, accountKey, type SavedAccount } from './accounts.ts'
export {
  accounts,
  active,
  cancelFirstSignIn,
  chooseOwnPassword,
  clearRevoked,
  type FirstSignIn,
  firstSignIn,
  loadAccounts,
  markRevoked,
  me,
  patchMe,
  refreshMe,
  revoked,
  revokedWhy,
  signIn,
  signOut,
  sip,
  switchTo,
  token,
} from './session.ts'
