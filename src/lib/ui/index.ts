/** Shared UI pieces (no feature logic). */

export { PathIcon } from './PathIcon.tsx'
export { Toasts, toast } from './toasts.tsx'
