/**
 * T6 request info: where the client came from — the landing page, referrer and UTM the widget
 * recorded at first contact, the channel and its account, the Avito listing, the address an e-mail
 * was written to. Text only; links are plain anchors to http(s) URLs (anything else shows as text).
 */
import { createResource, createUniqueId, For, type JSX, Show } from 'solid-js'
import type { ChatInfoResponse } from '../../../contract/channels.ts'
import type { ChannelKind } from '../../../contract/chats.ts'
import { api, errorText } from '../../lib/api/index.ts'
import { type MessageKey, t } from '../../lib/i18n/index.ts'
import { useOverlay } from '../../lib/ui/index.ts'
import { ChatIcon } from './ChatIcon.tsx'
import { safeHref } from './links.ts'
import { channelLine, channelText, displayText } from './text.ts'

/** An http(s) URL as a safe link; anything else (javascript:, data:, junk) as inert text. */
export function SafeLink(props: { href: string | null | undefined }): JSX.Element {
  const url = () => safeHref(props.href)
  return (
    <Show when={url()} fallback={<span dir="auto">{displayText(props.href ?? '')}</span>}>
      {(h) => (
        <a href={h()} target="_blank" rel="noopener noreferrer nofollow" dir="auto">
          {displayText(props.href ?? '')}
        </a>
      )}
    </Show>
  )
}

const UTM = ['source', 'medium', 'campaign', 'term', 'content'] as const

export default function ChatInfoSheet(props: { chatId: string; kind: ChannelKind; onClose: () => void }) {
  const [info] = createResource(
    () => props.chatId,
    (id): Promise<ChatInfoResponse> => api('GET /api/chats/:id/info', { params: { id } }),
  )
  const row = (label: MessageKey, value: JSX.Element) => (
    <>
      <dt>{t(label)}</dt>
      <dd>{value}</dd>
    </>
  )
  let sheet: HTMLDivElement | undefined
  const id = createUniqueId()
  useOverlay(() => sheet, props.onClose)
  return (
    <div class="sheet info-sheet" role="dialog" aria-modal="true" aria-labelledby={id} ref={sheet}>
      <div class="sheet-head">
        <h2 id={id}>{t('info.title')}</h2>
        <button type="button" class="icon-btn" aria-label={t('common.close')} onClick={() => props.onClose()}>
          <ChatIcon name="close" />
        </button>
      </div>
      <Show when={!info.error} fallback={<p class="error small">{errorText(info.error)}</p>}>
        <Show when={info()}>
          {(i) => (
            <dl class="info-list">
              <Show when={i().channel} fallback={row('info.channel', <span>{channelText(props.kind)}</span>)}>
                {(c) => row('info.channel', <span dir="auto">{channelLine(c())}</span>)}
              </Show>
              <Show when={i().clientAddress}>
                {(a) => row('info.clientAddress', <span dir="auto">{displayText(a())}</span>)}
              </Show>
              <Show when={i().requestInfo?.to}>
                {(a) => row('info.to', <span dir="auto">{displayText(a() ?? '')}</span>)}
              </Show>
              <Show when={i().requestInfo?.listing}>
                {(l) => row('info.listing', <SafeLink href={l()} />)}
              </Show>
              <Show when={i().requestInfo?.landingPage}>
                {(l) => row('info.landing', <SafeLink href={l()} />)}
              </Show>
              <Show when={i().requestInfo?.referrer}>
                {(l) => row('info.referrer', <SafeLink href={l()} />)}
              </Show>
              <For each={UTM.filter((k) => i().requestInfo?.utm[k])}>
                {(k) =>
                  row(
                    `info.utm.${k}` as MessageKey,
                    <span dir="auto">{displayText(i().requestInfo?.utm[k] ?? '')}</span>,
                  )
                }
              </For>
            </dl>
          )}
        </Show>
      </Show>
    </div>
  )
}
