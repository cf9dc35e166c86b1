/** The application root: router, toasts, update prompt. */
import { Router } from '@solidjs/router'
import type { JSX } from 'solid-js'
import { TransferOffers } from '../features/requests/index.ts'
import { Toasts } from '../lib/ui/index.ts'
import { routes } from './routes.tsx'
import { UpdatePrompt } from './UpdatePrompt.tsx'

function Root(props: { children?: JSX.Element }) {
  return (
    <>
      {props.children}
      <TransferOffers />
      <UpdatePrompt />
      <Toasts />
    </>
  )
}

/** App with the route table. */
export function App() {
  return <Router root={Root}>{routes}</Router>
}
