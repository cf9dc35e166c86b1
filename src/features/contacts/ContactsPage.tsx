/** SPEC K1: the address book with Employees / Groups / Clients sub-tabs. */
import { A, type RouteSectionProps } from '@solidjs/router'
import { Show } from 'solid-js'
import { t } from '../../lib/i18n/index.ts'
import { stale } from './data.ts'

/** Contacts layout: sub-tab links + the chosen list. */
export default function ContactsPage(props: RouteSectionProps) {
  return (
    <div class="page page-fill">
      <h1 class="visually-hidden">{t('contacts.title')}</h1>
      <nav class="subtabs" aria-label={t('contacts.tabs')}>
        <A href="/contacts/employees" activeClass="on">
          {t('contacts.employees')}
        </A>
        <A href="/contacts/groups" activeClass="on">
          {t('contacts.groups')}
        </A>
        <A href="/contacts/clients" activeClass="on">
          {t('contacts.clients')}
        </A>
      </nav>
      <Show when={stale()}>
        <p class="notice small" role="status">
          {t('contacts.offlineData')}
        </p>
      </Show>
      {props.children}
    </div>
  )
}
