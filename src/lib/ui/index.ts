/** Shared UI pieces (no feature logic): icons, empty states, toasts, the virtual list. */

export { EmptyState } from './EmptyState.tsx'
export { Icon, type IconName } from './icons.tsx'
export { PathIcon } from './PathIcon.tsx'
export { Toasts, toast } from './toasts.tsx'
