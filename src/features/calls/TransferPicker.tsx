/**
 * C5–C7: choose whom to transfer to — colleagues with their status, groups with available/total, or
 * a typed number. "Transfer" = blind (REFER); "New call" = attended: the client waits on hold with
 * music while we talk to the colleague first. Targets that cannot take the call are shown, disabled,
 * with the reason (C7).
 */
import { createResource, createSignal, For, onMount, Show } from 'solid-js'
import type { TransferTargetView } from '../../../contract/calls.ts'
import { api } from '../../lib/api/index.ts'
import { t } from '../../lib/i18n/index.ts'
import { me } from '../../lib/session/index.ts'
import { toast } from '../../lib/ui/index.ts'
import { statusColor, statusName } from '../status/index.ts'
import { act, cleanNumber, setConsultFor } from './actions.ts'

/** The picker dialog over the call screen. */
export function TransferPicker(props: { callId: string; onClose: () => void }) {
  const [targets] = createResource(() =>
    api('GET /api/calls/transfer-targets').then((l) =>
      l.filter((x) => !(x.kind === 'employee' && x.id === me()?.id)),
    ),
  )
  const [number, setNumber] = createSignal('')
  let dialog: HTMLDivElement | undefined
  onMount(() => dialog?.focus())

  // C5: the tenant's transfer timeout (30 s unless an admin changed it), read when the picker opens.
  const [settings] = createResource(() => api('GET /api/calls/transfer-settings').catch(() => null))
  const blind = (target: string) =>
    void act(async (p) => {
      props.onClose()
      const timeoutMs = (settings()?.transferTimeoutSec ?? 30) * 1000
      // No result in time, refused, or the target failed: the call is back to active — say so.
      await p
        .blindTransfer(props.callId, target, timeoutMs)
        .catch(() => toast(t('incall.transferFailed'), 'error'))
    })
  const consult = (target: string) =>
    void act(async (p) => {
      props.onClose()
      if (p.call(props.callId).state.status !== 'held') await p.call(props.callId).setHeld(true)
      setConsultFor(props.callId)
      await p.dial(target)
    })
  // Who can take the call first; the rest stay visible, greyed out with the reason (C7).
  const ordered = () => [...(targets() ?? [])].sort((a, b) => Number(b.selectable) - Number(a.selectable))
  const employees = () => ordered().filter((x) => x.kind === 'employee')
  const groups = () => ordered().filter((x) => x.kind === 'group')

  const row = (x: TransferTargetView) => {
    const why = () => (x.reason ? t(`transfer.reason.${x.reason}`) : null)
    return (
      <li class={`target${x.selectable ? '' : ' target-off'}`}>
        <span class="row-main">
          <span class="row-title">{x.name}</span>
          <span class="row-sub">
            {t('contacts.ext', { ext: x.extension })}
            {' · '}
            <Show
              when={x.kind === 'employee' && x}
              fallback={x.kind === 'group' && t('contacts.available', { a: x.available, t: x.total })}
            >
              {(e) => (
                <>
                  <span class="dot" style={{ background: statusColor(e().status) }} aria-hidden="true" />{' '}
                  {statusName(e().status)}
                </>
              )}
            </Show>
            <Show when={why()}>{(w) => <span class="target-why">{` · ${w()}`}</span>}</Show>
          </span>
        </span>
        <span class="target-actions">
          <button
            type="button"
            class="btn btn-small"
            disabled={!x.selectable}
            aria-label={t('transfer.consultTo', { name: x.name })}
            onClick={() => consult(x.extension)}
          >
            {t('transfer.consult')}
          </button>
          <button
            type="button"
            class="btn btn-small btn-primary"
            disabled={!x.selectable}
            aria-label={t('transfer.blindTo', { name: x.name })}
            onClick={() => blind(x.extension)}
          >
            {t('transfer.blind')}
          </button>
        </span>
      </li>
    )
  }

  return (
    <div
      class="sheet"
      role="dialog"
      aria-modal="true"
      aria-labelledby="transfer-title"
      tabindex="-1"
      ref={dialog}
      onKeyDown={(e) => e.key === 'Escape' && props.onClose()}
    >
      <div class="sheet-head">
        <h2 id="transfer-title">{t('transfer.title')}</h2>
        <button type="button" class="btn btn-ghost btn-small" onClick={() => props.onClose()}>
          {t('transfer.cancel')}
        </button>
      </div>
      <p class="muted small">{t('transfer.hint')}</p>
      <div class="sheet-body">
        <Show when={!targets.loading} fallback={<p class="muted">{t('transfer.loading')}</p>}>
          <Show when={!targets.error} fallback={<p class="error">{t('transfer.failed')}</p>}>
            <Show when={employees().length > 0}>
              <h3 class="sheet-sub">{t('transfer.employees')}</h3>
              <ul class="list" aria-label={t('transfer.employees')}>
                <For each={employees()}>{row}</For>
              </ul>
            </Show>
            <Show when={groups().length > 0}>
              <h3 class="sheet-sub">{t('transfer.groups')}</h3>
              <ul class="list" aria-label={t('transfer.groups')}>
                <For each={groups()}>{row}</For>
              </ul>
            </Show>
            <Show when={(targets() ?? []).length === 0}>
              <p class="muted">{t('transfer.empty')}</p>
            </Show>
          </Show>
        </Show>
        <h3 class="sheet-sub">{t('transfer.number')}</h3>
        <div class="transfer-number">
          <input
            type="tel"
            inputmode="tel"
            aria-label={t('transfer.number')}
            value={number()}
            onInput={(e) => setNumber(e.currentTarget.value)}
          />
          <button
            type="button"
            class="btn btn-small"
            disabled={!cleanNumber(number())}
            aria-label={t('transfer.callNumber')}
            onClick={() => consult(cleanNumber(number()))}
          >
            {t('transfer.consult')}
          </button>
          <button
            type="button"
            class="btn btn-small btn-primary"
            disabled={!cleanNumber(number())}
            aria-label={t('transfer.toNumber')}
            onClick={() => blind(cleanNumber(number()))}
          >
            {t('transfer.blind')}
          </button>
        </div>
      </div>
    </div>
  )
}
