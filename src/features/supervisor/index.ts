/**
 * The supervisor's door (issue 12 §4): live monitoring with a forced status (SPEC S3) and the
 * workload report (S4), for supervisors and admins (the shell hides them from operators; the API
 * answers 403 to an operator).
 */
import { lazy } from 'solid-js'
import { me } from '../../lib/session/index.ts'

/** Whether the signed-in employee may open the supervisor's screens. */
export const isSupervisor = (): boolean => me()?.role === 'supervisor' || me()?.role === 'admin'

export const SupervisorPage = lazy(() => import('./SupervisorPage.tsx'))
export const WorkloadPage = lazy(() => import('./WorkloadPage.tsx'))
