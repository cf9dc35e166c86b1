/**
 * SPEC N1–N4 in Settings: what this device can do while the app is closed — notifications, the push
 * subscription, Background Sync, the icon badge, installed or in a tab — each with what to do.
 */
import { createSignal, For, onMount, Show } from 'solid-js'
import { type MessageKey, t } from '../../lib/i18n/index.ts'
import { deviceCapabilities, ensurePush, type PushState, pushState } from '../../lib/push/index.ts'
import { sip, token } from '../../lib/session/index.ts'
import { adviseOnce } from './advice.ts'
import { callWakeRow } from './callWake.ts'

type Tone = 'granted' | 'denied' | 'available'

interface Row {
  id: string
  label: MessageKey
  state: MessageKey
  tone: Tone
  /** What to do about it (absent when all is well). */
  todo?: MessageKey
}

const PUSH_ROW: Record<PushState, { state: MessageKey; tone: Tone; todo?: MessageKey }> = {
  subscribed: { state: 'device.push.on', tone: 'granted' },
  checking: { state: 'device.push.checking', tone: 'available' },
  permission: { state: 'device.push.permission', tone: 'available', todo: 'device.push.permission.todo' },
  denied: { state: 'device.push.denied', tone: 'denied', todo: 'perm.deniedHow' },
  unsupported: { state: 'device.push.unsupported', tone: 'denied', todo: 'device.push.unsupported.todo' },
  unreachable: { state: 'device.push.unreachable', tone: 'denied', todo: 'device.push.unreachable.todo' },
  refused: { state: 'device.push.refused', tone: 'denied', todo: 'device.push.refused.todo' },
  offline: { state: 'device.push.offline', tone: 'available', todo: 'device.push.offline.todo' },
}

/** The device's capabilities and this account's push subscription. */
export function DeviceSection() {
  const [caps, setCaps] = createSignal(deviceCapabilities())
  onMount(() => {
    setCaps(deviceCapabilities())
  })
  const rows = (): Row[] => {
    const c = caps()
    const p = PUSH_ROW[pushState()]
    return adviseOnce([
      {
        id: 'notifications',
        label: 'perm.notifications',
        ...(c.notifications === 'granted'
          ? { state: 'perm.granted', tone: 'granted' }
          : c.notifications === 'denied'
            ? { state: 'perm.denied', tone: 'denied', todo: 'perm.deniedHow' }
            : c.notifications === 'unsupported'
              ? { state: 'perm.unsupported', tone: 'denied', todo: 'device.push.unsupported.todo' }
              : { state: 'perm.prompt', tone: 'available', todo: 'device.push.permission.todo' }),
      } as Row,
      { id: 'push', label: 'device.push', ...p },
      {
        id: 'sync',
        label: 'device.sync',
        ...(c.backgroundSync
          ? { state: 'device.yes', tone: 'granted' }
          : { state: 'device.no', tone: 'denied', todo: 'device.sync.todo' }),
      } as Row,
      {
        id: 'badge',
        label: 'device.badge',
        ...(c.badging
          ? { state: 'device.yes', tone: 'granted' }
          : { state: 'device.no', tone: 'denied', todo: 'device.badge.todo' }),
      } as Row,
      {
        id: 'installed',
        label: 'device.installed',
        ...(c.installed
          ? { state: 'device.installed.app', tone: 'granted' }
          : { state: 'device.installed.tab', tone: 'available', todo: 'device.installed.todo' }),
      } as Row,
      { id: 'calls', label: 'device.calls', ...callWakeRow(pushState(), !!sip()) },
    ])
  }
  return (
    <section class="card" aria-labelledby="acc-device">
      <h2 id="acc-device">{t('device.title')}</h2>
      <ul class="list" data-testid="device-capabilities">
        <For each={rows()}>
          {(r) => (
            <li class="perm" data-row={r.id}>
              <div class="perm-head">
                <span class="row-title">{t(r.label)}</span>
                <span class={`pill pill-${r.tone}`}>{t(r.state)}</span>
              </div>
              <Show when={r.todo}>{(todo) => <p class="muted small">{t(todo())}</p>}</Show>
            </li>
          )}
        </For>
      </ul>
      <button
        type="button"
        class="btn btn-small"
        aria-label={t('device.recheck')}
        onClick={() => {
          setCaps(deviceCapabilities())
          void ensurePush(token())
        }}
      >
        {t('device.recheck')}
      </button>
    </section>
  )
}
