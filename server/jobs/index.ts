/** Durable jobs (issue 8 §10): enqueue with server/db's `enqueueJob`, run here. */
export {
  createJobRunner,
  defaultBackoff,
  type Job,
  type JobHandler,
  type JobRunner,
  type JobRunnerOptions,
  PermanentFailure,
  Postpone,
  RetryAt,
} from './runner.ts'
