/**
 * Probe 12 UI #9: on the call screens a number a site visitor typed carries the same "given by
 * visitor" tag as history, and whom a book knows by it is said as a guess — "maybe: Alexander
 * Petrov", a link to his card where the company book has him — never as the caller's name.
 */
import { A } from '@solidjs/router'
import { Show } from 'solid-js'
import { t } from '../../lib/i18n/index.ts'
import type { IncomingText } from './incomingText.ts'

/** The tag and the "maybe" under the number; `onOpen` runs before the card opens (fold the call). */
export function GivenNote(props: { text: IncomingText; onOpen?: () => void }) {
  return (
    <Show when={props.text.given}>
      <p class="call-given" data-testid="call-given">
        {t('calls.givenTag')}
      </p>
      <Show when={props.text.maybe}>
        {(m) => (
          <p class="call-maybe" data-testid="call-maybe">
            <span>{t('calls.maybe')} </span>
            <Show when={props.onOpen && m().clientId} fallback={<span dir="auto">{m().name}</span>}>
              {(id) => (
                <A
                  href={`/contacts/clients/${encodeURIComponent(id())}`}
                  dir="auto"
                  onClick={() => props.onOpen?.()}
                >
                  {m().name}
                </A>
              )}
            </Show>
          </p>
        )}
      </Show>
    </Show>
  )
}
