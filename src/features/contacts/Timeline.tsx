/**
 * SPEC K2: a client's calls and chats in one timeline, newest first; each item links to the call's
 * details or the chat. Read from the server when the card opens (GET …/clients/:id/timeline).
 */
import { A } from '@solidjs/router'
import { createResource, For, Show } from 'solid-js'
import type { TimelineItem } from '../../../contract/timeline.ts'
import { api, errorText } from '../../lib/api/index.ts'
import { fmtDate, t } from '../../lib/i18n/index.ts'
import { BIDI, channelKindName } from './names.ts'

const callTitle = (x: Extract<TimelineItem, { kind: 'call' }>) =>
  x.missed ? t('client.callMissed') : x.direction === 'out' ? t('client.callOut') : t('client.callIn')

const duration = (sec: number) => `${Math.floor(sec / 60)}:${String(sec % 60).padStart(2, '0')}`

/** The timeline section of the client card. */
export function ClientTimeline(props: { id: string }) {
  const [items] = createResource(
    () => props.id,
    async (id) => (await api('GET /api/contacts/clients/:id/timeline', { params: { id } })).items,
  )
  return (
    <section class="card" aria-label={t('client.history')}>
      <h2>{t('client.history')}</h2>
      <Show when={items.error}>
        <p class="error">{errorText(items.error)}</p>
      </Show>
      <Show when={items() && items()?.length === 0}>
        <p class="muted small">{t('client.timelineEmpty')}</p>
      </Show>
      <ul class="list" data-testid="client-timeline">
        <For each={items() ?? []}>
          {(x) => (
            <li data-kind={x.kind}>
              <A href={x.kind === 'call' ? `/calls/${x.id}` : `/requests/${x.id}`} class="row row-button">
                <span class="row-main">
                  <span class="row-title">
                    {x.kind === 'call'
                      ? callTitle(x)
                      : t('client.chat', { channel: channelKindName(x.channel) })}
                  </span>
                  <span class="row-sub" dir="auto">
                    {fmtDate(x.at, { dateStyle: 'short', timeStyle: 'short' })}
                    {x.kind === 'call'
                      ? ` · ${x.number.replace(BIDI, '')}${x.durationSec ? ` · ${duration(x.durationSec)}` : ''}`
                      : ` · ${x.state === 'completed' ? t('client.chatDone') : t('client.chatOpen')}`}
                  </span>
                  {/* Probe 11 finding 20: a transfer is part of the call, not a missed call of its own. */}
                  <Show when={x.kind === 'call' && x.transfers?.length ? x.transfers : null}>
                    {(list) => (
                      <span class="row-sub" data-testid="timeline-transfers">
                        {list()
                          .map((tr) =>
                            tr.answered
                              ? `${t('client.transferred', { name: tr.name })}${tr.durationSec ? ` · ${duration(tr.durationSec)}` : ''}`
                              : t('client.transferFailed', { name: tr.name }),
                          )
                          .join(' · ')}
                      </span>
                    )}
                  </Show>
                </span>
              </A>
            </li>
          )}
        </For>
      </ul>
    </section>
  )
}
