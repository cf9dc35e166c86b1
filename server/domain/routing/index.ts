/** Call routing (SPEC S1, S5, C2, C3, C7): pure rules, no I/O. The only door into this folder. */
export { presenceInput, type Reach, reachEmployee, type Unreachable } from './eligibility.ts'
export { gatewayTarget, isPublicNumber, normalizeNumber } from './numbers.ts'
export { eligibleMembers, routeCall } from './route.ts'
export { planGroup, rotateAfter } from './strategy.ts'
export { type TransferBlock, type TransferTarget, transferTargets } from './transfer.ts'
export type * from './types.ts'
