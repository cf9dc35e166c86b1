/** The one route table. Screens are lazy components exported by their feature doors. */
import { Navigate, type RouteDefinition } from '@solidjs/router'
import { type Component, Show } from 'solid-js'
import { AccountPage, LoginPage, settings, WelcomePage } from '../features/account/index.ts'
import { AdminPage, AdminSectionPage, isAdmin } from '../features/admin/index.ts'
import { CallDetailsPage, CallsPage } from '../features/calls/index.ts'
import {
  ClientCard,
  ClientsList,
  ContactsPage,
  EmployeesList,
  GroupsList,
} from '../features/contacts/index.ts'
import { OnsitePage } from '../features/onsite/index.ts'
import { ConversationPage, LeadPage, RequestsPage } from '../features/requests/index.ts'
import { isSupervisor, SupervisorPage, WorkloadPage } from '../features/supervisor/index.ts'
import { me } from '../lib/session/index.ts'
import { Layout } from './Layout.tsx'

/** SPEC A4: "/" opens the start page chosen in Settings (Calls when Requests is off, A5). */
function StartPage() {
  const page = () => (settings().startPage === 'requests' && !omni() ? 'calls' : settings().startPage)
  return <Navigate href={`/${page()}`} />
}

/** A5: the tenant's omnichannel option; off, no route leads into Requests. */
const omni = () => me()?.features.omni !== false
const omniOnly = (Page: Component) => () => (
  <Show when={omni()} fallback={<Navigate href="/calls" />}>
    <Page />
  </Show>
)

/** Issue 13: the admin area is for admins only (the API answers 403 to anyone else). */
const adminOnly = (Page: Component) => () => (
  <Show when={isAdmin()} fallback={<Navigate href="/calls" />}>
    <Page />
  </Show>
)

/** Issue 12 §4 (S3, S4): the supervisor's screens, for supervisors and admins. */
const supervisorOnly = (Page: Component) => () => (
  <Show when={isSupervisor()} fallback={<Navigate href="/calls" />}>
    <Page />
  </Show>
)

/**
 * Issue 10 (warm start): the screen a start lands on begins loading while the entry still reads the
 * saved session; a lazy screen would otherwise start its download only once the shell has rendered.
 */
const FIRST_SCREENS: [RegExp, { preload: () => Promise<unknown> }][] = [
  [/^\/requests\/?$/, RequestsPage],
  [/^\/requests\/leads\/[^/]+$/, LeadPage],
  [/^\/requests\/[^/]+$/, ConversationPage],
  [/^\/calls\/?$/, CallsPage],
  [/^\/calls\/[^/]+$/, CallDetailsPage],
]

/** Starts loading the lazy screen of `pathname`, if it is one of the start screens; returns whether it did. */
export function preloadScreen(pathname: string): boolean {
  const hit = FIRST_SCREENS.find(([re]) => re.test(pathname))
  // A failed download surfaces when the route renders, as it would have without this.
  hit?.[1].preload().catch(() => undefined)
  return hit !== undefined
}

export const routes: RouteDefinition[] = [
  { path: '/login', component: LoginPage },
  { path: '/welcome', component: WelcomePage },
  {
    path: '/',
    component: Layout,
    children: [
      { path: '/', component: StartPage },
      { path: '/calls', component: CallsPage },
      { path: '/calls/:id', component: CallDetailsPage },
      { path: '/requests', component: omniOnly(RequestsPage) },
      { path: '/requests/:id', component: omniOnly(ConversationPage) },
      { path: '/requests/leads/:id', component: omniOnly(LeadPage) },
      {
        path: '/contacts',
        component: ContactsPage,
        children: [
          { path: '/', component: () => <Navigate href="/contacts/employees" /> },
          { path: '/employees', component: EmployeesList },
          { path: '/groups', component: GroupsList },
          { path: '/clients', component: ClientsList },
        ],
      },
      { path: '/contacts/clients/:id', component: ClientCard },
      { path: '/onsite', component: OnsitePage },
      { path: '/account', component: AccountPage },
      { path: '/admin', component: adminOnly(AdminPage) },
      { path: '/admin/:section', component: adminOnly(AdminSectionPage) },
      { path: '/supervisor', component: supervisorOnly(SupervisorPage) },
      { path: '/supervisor/report', component: supervisorOnly(WorkloadPage) },
      { path: '*', component: StartPage },
    ],
  },
]
