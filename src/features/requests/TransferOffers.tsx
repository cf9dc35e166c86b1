/**
 * T7: the offers open to me, over whatever screen is shown: who offers which client, the comment,
 * the last messages (as text), a countdown to the server's deadline, Accept and Decline.
 */
import { useNavigate } from '@solidjs/router'
import { createEffect, createMemo, createSignal, For, on, onCleanup, Show } from 'solid-js'
import type { TransferOfferView } from '../../../contract/chats.ts'
import { ApiError, errorText } from '../../lib/api/index.ts'
import { t } from '../../lib/i18n/index.ts'
import { me } from '../../lib/session/index.ts'
import { afterFirstScreen, toast } from '../../lib/ui/index.ts'
import { clientNameText, displayText } from './text.ts'
import {
  acceptedMine,
  acceptOffer,
  declineOffer,
  forgetOffer,
  loadOffers,
  msLeft,
  offers,
} from './transfers.ts'

function Offer(props: { offer: TransferOfferView }) {
  const navigate = useNavigate()
  const [now, setNow] = createSignal(Date.now())
  const timer = setInterval(() => setNow(Date.now()), 250)
  onCleanup(() => clearInterval(timer))
  const o = () => props.offer
  const left = () => Math.ceil(msLeft(o(), now()) / 1000)
  const client = () => clientNameText(o().clientName)
  const answer = async (yes: boolean) => {
    try {
      if (yes) {
        await acceptOffer(o().id)
        toast(t('chatTransfer.accepted', { name: client() }))
        navigate('/requests')
      } else await declineOffer(o().id)
    } catch (e) {
      if (e instanceof ApiError && (e.code === 'E_TRANSFER_CLOSED' || e.status === 404)) forgetOffer(o().id)
      toast(errorText(e), 'error')
    }
  }
  return (
    <section
      class="offer"
      role="alertdialog"
      aria-label={t('chatTransfer.offerFrom', { name: o().fromName, client: client() })}
    >
      <p class="row-title">{t('chatTransfer.offerFrom', { name: o().fromName, client: client() })}</p>
      <Show when={displayText(o().comment ?? '')}>
        <p class="small offer-comment" dir="auto">
          {displayText(o().comment ?? '')}
        </p>
      </Show>
      <ul class="offer-last small" aria-label={t('chatTransfer.lastMessages')}>
        <For each={o().lastMessages}>
          {(m) => (
            <li dir="auto">
              {m.author === 'client' ? t('chat.client') : (m.authorName ?? t('chat.system'))}:{' '}
              {displayText(m.text || m.file?.name || '')}
            </li>
          )}
        </For>
      </ul>
      <p class="small muted" role="timer" aria-label={t('chatTransfer.left', { s: left() })}>
        {t('chatTransfer.left', { s: left() })}
      </p>
      <div class="offer-actions">
        <button type="button" class="btn btn-small" onClick={() => void answer(false)}>
          {t('chatTransfer.decline')}
        </button>
        <button type="button" class="btn btn-small btn-primary" onClick={() => void answer(true)}>
          {t('chatTransfer.accept')}
        </button>
      </div>
    </section>
  )
}

/** Mounted once by the shell. */
export function TransferOffers() {
  // T7: the sender's toast when a colleague accepts (the row says "Transferred" too).
  createEffect(
    on(acceptedMine, (o) => {
      if (o) toast(t('chatTransfer.transferred', { name: o.toName }))
    }),
  )
  // Signed in (or switched account): the offers already open to me.
  // The id as a memo: a re-read profile (GET /api/me at start, a status change) is no new sign-in.
  const meId = createMemo(() => me()?.id)
  createEffect(
    on(meId, (id) => {
      // After the first screen's paint (issue 11 item 8): the offers are a banner over it.
      if (id) void afterFirstScreen().then(() => loadOffers().catch(() => undefined))
    }),
  )
  const [now, setNow] = createSignal(Date.now())
  const timer = setInterval(() => setNow(Date.now()), 1000)
  onCleanup(() => clearInterval(timer))
  // An offer past its deadline is gone (the server's expiry event follows).
  const open = () => offers().filter((o) => msLeft(o, now()) > 0)
  return (
    <Show when={open().length > 0}>
      <div class="offers">
        <For each={open()}>{(o) => <Offer offer={o} />}</For>
      </div>
    </Show>
  )
}
