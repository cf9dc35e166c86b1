/**
 * T10 write first: phone, e-mail or Telegram @username → Find → the tenant's connected channels that
 * may write first to it (the server applies the capability table) → compose → send: the chat opens in
 * In work (assigned to me) and the first message leaves through the channel's delivery job.
 */
import { useNavigate } from '@solidjs/router'
import { createSignal, createUniqueId, For, onMount, Show } from 'solid-js'
import type { WriteFirstFindResponse } from '../../../contract/channels.ts'
import { api } from '../../lib/api/index.ts'
import { type MessageKey, t } from '../../lib/i18n/index.ts'
import { toast, useOverlay } from '../../lib/ui/index.ts'
import { ChatIcon } from './ChatIcon.tsx'
import { writeFirstErrorText } from './writefirst.ts'

export default function WriteFirstSheet(props: { address: string; onClose: () => void }) {
  const navigate = useNavigate()
  const [address, setAddress] = createSignal(props.address)
  const [found, setFound] = createSignal<WriteFirstFindResponse | null>(null)
  const [channelId, setChannelId] = createSignal<string | null>(null)
  const [text, setText] = createSignal('')
  const [busy, setBusy] = createSignal(false)
  const [error, setError] = createSignal('')

  const find = async (e?: SubmitEvent) => {
    e?.preventDefault()
    setError('')
    setFound(null)
    setChannelId(null)
    if (!address().trim()) return
    setBusy(true)
    try {
      const r = await api('GET /api/chats/write-first', { query: { address: address().trim() } })
      setFound(r)
      setChannelId(r.channels[0]?.id ?? null)
    } catch (err) {
      setError(writeFirstErrorText(err))
    } finally {
      setBusy(false)
    }
  }

  const send = async (e: SubmitEvent) => {
    e.preventDefault()
    const f = found()
    const id = channelId()
    if (!f || !id || !text().trim()) return
    setBusy(true)
    setError('')
    try {
      const r = await api('POST /api/chats/write-first', {
        body: { channelId: id, address: f.address, clientMsgId: crypto.randomUUID(), text: text().trim() },
      })
      if (!r.message) toast(t('wf.openChat'))
      props.onClose()
      navigate(`/requests/${encodeURIComponent(r.chat.id)}`)
    } catch (err) {
      setError(writeFirstErrorText(err))
    } finally {
      setBusy(false)
    }
  }

  // Opened with an address (a number's menu): Find runs at once, the channels show without another tap.
  onMount(() => {
    if (props.address.trim()) void find()
  })
  let sheet: HTMLDivElement | undefined
  const id = createUniqueId()
  useOverlay(() => sheet, props.onClose, { initial: 'input' })

  return (
    <div class="sheet wf-sheet" role="dialog" aria-modal="true" aria-labelledby={id} ref={sheet}>
      <div class="sheet-head">
        <h2 id={id}>{t('wf.title')}</h2>
        <button type="button" class="icon-btn" aria-label={t('common.close')} onClick={() => props.onClose()}>
          <ChatIcon name="close" />
        </button>
      </div>
      <form class="wf-find" onSubmit={(e) => void find(e)}>
        <input
          type="text"
          inputmode="email"
          autocomplete="off"
          aria-label={t('wf.address')}
          placeholder={t('wf.address')}
          value={address()}
          onInput={(e) => {
            setAddress(e.currentTarget.value)
            setFound(null)
          }}
        />
        <button type="submit" class="btn btn-small" disabled={busy()}>
          {t('wf.find')}
        </button>
      </form>
      <Show when={error()}>
        <p class="error small" role="alert">
          {error()}
        </p>
      </Show>
      <Show when={found()}>
        {(f) => (
          <form class="wf-compose" onSubmit={(e) => void send(e)}>
            <p class="row-sub">
              {f().client
                ? t('wf.client', { name: f().client?.name ?? '', address: f().address })
                : f().address}
            </p>
            <Show when={f().channels.length > 0} fallback={<p class="empty-small">{t('wf.noChannels')}</p>}>
              <fieldset class="wf-channels">
                <legend>{t('wf.channel')}</legend>
                <For each={f().channels}>
                  {(c) => (
                    <label class="wf-channel">
                      <input
                        type="radio"
                        name="wf-channel"
                        value={c.id}
                        checked={channelId() === c.id}
                        onChange={() => setChannelId(c.id)}
                      />
                      <span>
                        {t(`channels.kind.${c.kind}` as MessageKey)} · {c.name}
                      </span>
                    </label>
                  )}
                </For>
              </fieldset>
              <textarea
                aria-label={t('wf.message')}
                placeholder={t('wf.message')}
                rows={3}
                value={text()}
                onInput={(e) => setText(e.currentTarget.value)}
              />
              <button type="submit" class="btn" disabled={busy() || !channelId() || !text().trim()}>
                {t('wf.send')}
              </button>
            </Show>
          </form>
        )}
      </Show>
    </div>
  )
}
