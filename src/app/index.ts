/** The shell's door. */

export { toast } from '../lib/ui/index.ts'
export { App } from './App.tsx'
export { freshStart, openFromNotification } from './notification-click.ts'
export { type NotificationClick, registerServiceWorker } from './pwa.ts'
export { preloadScreen } from './routes.tsx'
export { startRuntime } from './runtime.ts'
export { dropShellWhenShown } from './shell.ts'
