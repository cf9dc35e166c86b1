/**
 * Admin area door (issue 13): the section list and each section's screen, for admins only (the shell
 * guards the route with `isAdmin`; the API answers 403 to anyone else).
 */
import { lazy } from 'solid-js'
import { me } from '../../lib/session/index.ts'

export { ADMIN_SECTIONS, type AdminSection } from './sections.ts'

/** Whether the signed-in employee may open the admin area. */
export const isAdmin = (): boolean => me()?.role === 'admin'

export const AdminPage = lazy(() => import('./AdminPage.tsx'))
export const AdminSectionPage = lazy(() => import('./AdminSectionPage.tsx'))
