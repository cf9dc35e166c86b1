/** Transient messages. Errors are announced assertively (role=alert), the rest politely. */
import { createSignal, For } from 'solid-js'
import { t } from '../i18n/index.ts'

interface Toast {
  id: number
  text: string
  kind: 'info' | 'error'
}

const [toasts, setToasts] = createSignal<Toast[]>([])
let next = 1

/** Show a toast for a few seconds; returns its id (`dismissToast` takes it away sooner). */
export function toast(text: string, kind: Toast['kind'] = 'info'): number {
  const id = next++
  setToasts((l) => [...l.slice(-2), { id, text, kind }])
  setTimeout(() => dismiss(id), kind === 'error' ? 6000 : 3500)
  return id
}

function dismiss(id: number) {
  setToasts((l) => l.filter((x) => x.id !== id))
}

/** Takes a toast away now: an error toast whose problem the user has fixed (probe 13 UI #3). */
export function dismissToast(id: number | null | undefined): void {
  if (id) dismiss(id)
}

/** The toast stack; rendered once by the layout. */
export function Toasts() {
  return (
    <div class="toasts">
      <For each={toasts()}>
        {(x) => (
          <div class={`toast toast-${x.kind}`} role={x.kind === 'error' ? 'alert' : 'status'}>
            <span>{x.text}</span>
            <button
              type="button"
              class="toast-x"
              aria-label={t('common.dismiss')}
              onClick={() => dismiss(x.id)}
            >
              ×
            </button>
          </div>
        )}
      </For>
    </div>
  )
}
