/** Shared UI pieces (no feature logic). */
export { Toasts, toast } from './toasts.tsx'
