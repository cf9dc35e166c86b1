/**
 * SPEC K3 door: add a client contact — a new client, or the number / e-mail added to an existing one —
 * from a call's details, a chat or the call screen. Its own small feature so calls and requests can
 * use it without importing contacts (which imports calls).
 */
export { AddContactPanel } from './AddContactPanel.tsx'
export { AddContactSheet } from './AddContactSheet.tsx'
export { bookReadOnly, ReadOnlyNote } from './ReadOnlyNote.tsx'
