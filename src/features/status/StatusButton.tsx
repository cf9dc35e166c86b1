/** The account icon in the header: shows the status and opens the picker (SPEC S1). */
import { createEffect, createSignal, For, on, onCleanup, Show } from 'solid-js'
import { errorText } from '../../lib/api/index.ts'
import { fmtDate, t } from '../../lib/i18n/index.ts'
import { me } from '../../lib/session/index.ts'
import { toast } from '../../lib/ui/index.ts'
import { pickerOpen as open, setPickerOpen as setOpen } from './picker.ts'
import { forcedBy, matrix, setMyStatus, statusColor, statusName } from './statuses.ts'

/** Header button + status picker. */
export function StatusButton() {
  const [busy, setBusy] = createSignal(false)
  let root: HTMLDivElement | undefined

  const onDocClick = (e: MouseEvent) => {
    if (open() && root && !root.contains(e.target as Node)) setOpen(false)
  }
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape') setOpen(false)
  }
  document.addEventListener('click', onDocClick)
  document.addEventListener('keydown', onKey)
  onCleanup(() => {
    document.removeEventListener('click', onDocClick)
    document.removeEventListener('keydown', onKey)
  })

  // S3: a supervisor changed my status — say so at once, with his name.
  createEffect(
    on(
      forcedBy,
      (f) => {
        if (f) toast(t('status.forced', { name: statusName(f.status), by: f.by }))
      },
      { defer: true },
    ),
  )

  const choose = async (id: string) => {
    if (id === me()?.status) return setOpen(false)
    setBusy(true)
    try {
      await setMyStatus(id)
      toast(t('status.changed', { name: statusName(id) }))
      setOpen(false)
    } catch (e) {
      toast(errorText(e), 'error')
      // Closing re-renders the radios from the real status next time.
      setOpen(false)
    } finally {
      setBusy(false)
    }
  }

  const initial = () => (me()?.name ?? '?').trim().charAt(0).toUpperCase()

  return (
    <Show when={me()}>
      {(m) => (
        <div class="status" ref={root}>
          <button
            type="button"
            class="avatar"
            aria-label={
              m().statusSetBy
                ? t('status.buttonForced', { name: statusName(m().status), by: m().statusSetBy?.name ?? '' })
                : t('status.button', { name: statusName(m().status) })
            }
            aria-haspopup="dialog"
            aria-expanded={open()}
            onClick={() => setOpen(!open())}
          >
            <span aria-hidden="true">{initial()}</span>
            <span class="avatar-dot" style={{ background: statusColor(m().status) }} />
          </button>
          <Show when={open()}>
            <div class="popover" role="dialog" aria-label={t('status.picker')}>
              <Show when={m().statusSetBy}>
                {(s) => (
                  <p class="row-sub" data-testid="status-forced-by">
                    {t('status.setByAt', {
                      by: s().name,
                      time: fmtDate(s().at, { hour: '2-digit', minute: '2-digit' }),
                    })}
                  </p>
                )}
              </Show>
              <fieldset class="status-list" disabled={busy()}>
                <legend>{t('status.picker')}</legend>
                <For each={matrix()}>
                  {(s) => (
                    <label class="status-item">
                      <input
                        type="radio"
                        name="my-status"
                        value={s.id}
                        checked={m().status === s.id}
                        onChange={() => void choose(s.id)}
                        // Tapping the current status changes nothing but should still close the picker.
                        onClick={() => s.id === m().status && setOpen(false)}
                      />
                      <span class="dot" style={{ background: s.color }} aria-hidden="true" />
                      <span>{statusName(s.id)}</span>
                    </label>
                  )}
                </For>
              </fieldset>
            </div>
          </Show>
        </div>
      )}
    </Show>
  )
}
