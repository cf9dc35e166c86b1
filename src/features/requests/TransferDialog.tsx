/**
 * T7: transfer my chat to a colleague or a group, with a comment. Everyone is listed; those who
 * cannot take a chat now (offline, a status without chats, a group with nobody available) are
 * shown disabled with the reason. The counts are live: re-read whenever presence may have moved.
 */
import { createResource, createSignal, For, Show } from 'solid-js'
import type { ChatTransferTarget } from '../../../contract/chats.ts'
import { api, errorText } from '../../lib/api/index.ts'
import { t } from '../../lib/i18n/index.ts'
import { db } from '../../lib/store/index.ts'
import { toast, useOverlay } from '../../lib/ui/index.ts'
import { statusName } from '../status/index.ts'
import { presenceTick, transferChat } from './transfers.ts'

/** The picker over the conversation. */
export function TransferDialog(props: { chatId: string; onClose: () => void }) {
  const [targets] = createResource(presenceTick, () => api('GET /api/chats/transfer-targets'))
  const [comment, setComment] = createSignal('')
  const [direct, setDirect] = createSignal(false)
  const [busy, setBusy] = createSignal(false)
  let dialog: HTMLDivElement | undefined
  useOverlay(() => dialog, props.onClose, { initial: 'textarea' })
  const list = () => targets.latest ?? []
  const ordered = (kind: ChatTransferTarget['kind']) =>
    list()
      .filter((x) => x.kind === kind)
      .sort((a, b) => Number(b.selectable) - Number(a.selectable))

  const send = async (x: ChatTransferTarget) => {
    const d = db()
    if (!d) return
    setBusy(true)
    try {
      await transferChat(d, props.chatId, {
        toKind: x.kind,
        toId: x.id,
        comment: comment().trim(),
        confirm: !direct(),
      })
      toast(
        direct() ? t('chatTransfer.handedOver', { name: x.name }) : t('chatTransfer.sent', { name: x.name }),
      )
      props.onClose()
    } catch (e) {
      toast(errorText(e), 'error')
    } finally {
      setBusy(false)
    }
  }

  const row = (x: ChatTransferTarget) => (
    <li class={`target${x.selectable ? '' : ' target-off'}`}>
      <span class="row-main">
        <span class="row-title">{x.name}</span>
        <span class="row-sub">
          {x.kind === 'group'
            ? t('chatTransfer.available', { a: x.available, t: x.total })
            : statusName(x.status)}
          <Show when={x.reason}>
            {(r) => <span class="target-why">{` · ${t(`chatTransfer.reason.${r()}`)}`}</span>}
          </Show>
        </span>
      </span>
      <button
        type="button"
        class="btn btn-small btn-primary"
        disabled={!x.selectable || busy()}
        aria-label={t('chatTransfer.to', { name: x.name })}
        onClick={() => void send(x)}
      >
        {t('chatTransfer.send')}
      </button>
    </li>
  )

  return (
    <div
      class="sheet"
      role="dialog"
      aria-modal="true"
      aria-labelledby="chat-transfer-title"
      tabindex="-1"
      ref={dialog}
    >
      <div class="sheet-head">
        <h2 id="chat-transfer-title">{t('chatTransfer.title')}</h2>
        <button type="button" class="btn btn-ghost btn-small" onClick={() => props.onClose()}>
          {t('transfer.cancel')}
        </button>
      </div>
      <div class="sheet-body">
        <label class="field">
          <span class="small muted">{t('chatTransfer.comment')}</span>
          <textarea
            class="composer-input"
            maxLength={1000}
            value={comment()}
            onInput={(e) => setComment(e.currentTarget.value)}
          />
        </label>
        <label class="check small">
          <input type="checkbox" checked={direct()} onChange={(e) => setDirect(e.currentTarget.checked)} />
          {t('chatTransfer.direct')}
        </label>
        <Show when={!targets.error} fallback={<p class="error">{t('transfer.failed')}</p>}>
          <Show when={targets.latest} fallback={<p class="muted">{t('transfer.loading')}</p>}>
            <h3 class="sheet-sub">{t('transfer.employees')}</h3>
            <ul class="list" aria-label={t('transfer.employees')}>
              <For each={ordered('employee')}>{row}</For>
            </ul>
            <h3 class="sheet-sub">{t('transfer.groups')}</h3>
            <ul class="list" aria-label={t('transfer.groups')}>
              <For each={ordered('group')}>{row}</For>
            </ul>
          </Show>
        </Show>
      </div>
    </div>
  )
}
