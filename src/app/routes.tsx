/** The one route table. Screens are lazy components exported by their feature doors. */
import { Navigate, type RouteDefinition } from '@solidjs/router'
import { AccountPage, LoginPage, settings, WelcomePage } from '../features/account/index.ts'
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
import { Layout } from './Layout.tsx'

/** SPEC A4: "/" opens the start page chosen in Settings. */
function StartPage() {
  return <Navigate href={`/${settings().startPage}`} />
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
      { path: '/requests', component: RequestsPage },
      { path: '/requests/:id', component: ConversationPage },
      { path: '/requests/leads/:id', component: LeadPage },
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
      { path: '*', component: StartPage },
    ],
  },
]
