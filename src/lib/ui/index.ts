/** Shared UI pieces (no feature logic): icons, empty states, toasts, the virtual list. */

export { ConfirmDialog } from './ConfirmDialog.tsx'
export { EmptyState } from './EmptyState.tsx'
export { EYE, EYE_OFF } from './eye.ts'
export { afterFirstScreen, firstScreenPainted, hurryFirstScreen, ScreenPainted } from './first-screen.ts'
export { Icon, type IconName } from './icons.tsx'
export { menuKeys, type OverlayOptions, useOverlay } from './overlay.ts'
export { PathIcon } from './PathIcon.tsx'
export { dismissToast, Toasts, toast } from './toasts.tsx'
