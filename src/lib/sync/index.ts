/** The sync door: realtime link and its pure lifecycle. */
export { type Link, type LinkOptions, startLink } from './link.ts'
export type { LinkState } from './machine.ts'
