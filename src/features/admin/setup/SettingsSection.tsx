/**
 * Admin settings (issue 13 §2): the omnichannel option (A5), chat transfer timeout (T7), auto-complete
 * idle time per channel (T8), the CRM webhook and CRM card URL templates (T13), connected channels
 * (T1) and shared templates (T5). Screens over the admin APIs; each change is live for every app.
 */
import { A } from '@solidjs/router'
import { createResource, createSignal, For, Show } from 'solid-js'
import type { ChannelAdminView } from '../../../../contract/channels.ts'
import './setup.css'
import { api } from '../../../lib/api/index.ts'
import { t } from '../../../lib/i18n/index.ts'
import { ConfirmDialog } from '../../../lib/ui/index.ts'
import { CallSettingsCard } from './CallSettingsCard.tsx'
import { CrmCard } from './CrmCard.tsx'
import { saved } from './saved.ts'
import { TemplatesCard } from './TemplatesCard.tsx'

/** A channel's name as the admin reads it: the website chat in the UI language, not its stored name. */
export const channelName = (c: Pick<ChannelAdminView, 'kind' | 'name'>) =>
  c.kind === 'webchat' ? t('channels.webchat.title') : c.name

/** The Settings screen. */
export function SettingsSection() {
  return (
    <>
      <OmniCard />
      <ChatCard />
      <CallSettingsCard />
      <CrmCard />
      <TemplatesCard />
    </>
  )
}

function OmniCard() {
  const [features, { mutate }] = createResource(() => api('GET /api/admin/features'))
  const [asking, setAsking] = createSignal(false)
  const set = async (omni: boolean) => {
    setAsking(false)
    const ok = await saved(async () => {
      const r = await api('PATCH /api/admin/features', { body: { omni } })
      mutate((f) => ({ ...f, ...r }))
    })
    if (!ok) mutate(features())
  }
  // Off takes Requests away from everyone at once: ask first, naming the effect (probe 13 UI #8).
  const toggle = (el: HTMLInputElement) => {
    if (el.checked) return void set(true)
    el.checked = true
    setAsking(true)
  }
  return (
    <section class="card" aria-labelledby="setup-omni">
      <h2 id="setup-omni">{t('setup.omni.title')}</h2>
      <label class="switch">
        <input
          type="checkbox"
          role="switch"
          checked={features()?.features.omni ?? false}
          aria-checked={features()?.features.omni ?? false}
          aria-describedby="setup-omni-hint"
          disabled={!features()}
          onChange={(e) => toggle(e.currentTarget)}
        />
        <span class="switch-text">
          <span>{t('setup.omni.label')}</span>
          <span id="setup-omni-hint" class="muted small">
            {t('setup.omni.hint')}
          </span>
        </span>
      </label>
      <Show when={asking()}>
        <ConfirmDialog
          title={t('setup.omni.offTitle')}
          text={t('setup.omni.offText', {
            n: features()?.omniImpact?.employees ?? 0,
            m: features()?.omniImpact?.openChats ?? 0,
          })}
          ok={t('setup.omni.offOk')}
          danger
          onOk={() => void set(false)}
          onCancel={() => setAsking(false)}
        />
      </Show>
    </section>
  )
}

function ChatCard() {
  const [settings, { refetch }] = createResource(() => api('GET /api/admin/chat-settings'))
  const [channels, { mutate: setChannels }] = createResource(() => api('GET /api/admin/channels'))
  const [timeout, setTimeoutSec] = createSignal<number | null>(null)
  const saveTimeout = async (ev: Event) => {
    ev.preventDefault()
    const s = settings()
    const sec = timeout()
    if (!s || sec === null) return
    if (await saved(() => api('PUT /api/admin/chat-settings', { body: { ...s, transferTimeoutSec: sec } })))
      void refetch()
  }
  // Saved by its own button like its neighbours; the list is patched in place (a refetch re-rendered
  // the screen and threw the admin back to its top — probe 13 UI #10).
  const saveIdle = async (ev: Event, id: string) => {
    ev.preventDefault()
    const input = (ev.currentTarget as HTMLFormElement).elements.namedItem('minutes') as HTMLInputElement
    const value = input.value
    await saved(async () => {
      const r = await api('PUT /api/admin/channels/:id/auto-complete', {
        params: { id },
        body: { minutes: value.trim() === '' ? null : Number(value) },
      })
      const list = channels()
      if (list)
        setChannels({
          ...list,
          channels: list.channels.map((c) => (c.id === id ? { ...c, autoCompleteMinutes: r.minutes } : c)),
        })
    })
  }

  return (
    <section class="card" aria-labelledby="setup-chats">
      <h2 id="setup-chats">{t('setup.chats.title')}</h2>
      <form class="admin-form" onSubmit={(e) => void saveTimeout(e)}>
        <label class="field">
          <span>{t('setup.chats.transferTimeout')}</span>
          <input
            type="number"
            min="1"
            max="600"
            value={timeout() ?? settings()?.transferTimeoutSec ?? ''}
            onInput={(e) => setTimeoutSec(Number(e.currentTarget.value))}
          />
        </label>
        <button type="submit" class="btn btn-small">
          {t('setup.save')}
        </button>
      </form>
      <h3>{t('setup.channels.title')}</h3>
      <p class="muted small">{t('setup.chats.idleHint')}</p>
      <Show when={channels() && channels()?.channels.length === 0}>
        <p class="muted small" data-testid="setup-no-channels">
          {t('setup.channels.none')} <A href="/admin/channels">{t('setup.channels.connectLink')}</A>
        </p>
      </Show>
      <ul class="list">
        <For each={channels()?.channels ?? []}>
          {(c) => (
            <li class="setup-channel">
              <span class="row-title">{channelName(c)}</span>
              <span class="row-sub">
                {[c.address, c.connected ? t('setup.channels.connected') : t('setup.channels.off')]
                  .filter(Boolean)
                  .join(' · ')}
              </span>
              <form class="setup-idle" onSubmit={(e) => void saveIdle(e, c.id)}>
                <label class="field field-inline">
                  <span>{t('setup.chats.idle')}</span>
                  <input
                    name="minutes"
                    type="number"
                    min="1"
                    max="10080"
                    value={c.autoCompleteMinutes ?? ''}
                    placeholder={t('setup.chats.idleNever')}
                    aria-label={t('setup.chats.idleNamed', { name: channelName(c) })}
                  />
                </label>
                <button
                  type="submit"
                  class="btn btn-small"
                  aria-label={t('setup.chats.idleSave', { name: channelName(c) })}
                >
                  {t('setup.save')}
                </button>
              </form>
            </li>
          )}
        </For>
      </ul>
    </section>
  )
}
