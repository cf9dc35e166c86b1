/** On-site feature door (SPEC I2). Screens load lazily; Insider's live events register with its door. */
import { lazy } from 'solid-js'
import '../insider/index.ts'

export const OnsitePage = lazy(() => import('./OnsitePage.tsx'))
