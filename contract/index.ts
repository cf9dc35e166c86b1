export * from './api.ts'
export * from './errors.ts'
export * from './events.ts'
export * from './status.ts'
