/** The shell's door. */

export { toast } from '../lib/ui/index.ts'
export { App } from './App.tsx'
export { registerServiceWorker } from './pwa.ts'
export { startRuntime } from './runtime.ts'
