/**
 * Admin settings (issue 13 §2): the omnichannel option (A5), chat transfer timeout (T7), auto-complete
 * idle time per channel (T8), the CRM webhook and CRM card URL templates (T13), connected channels
 * (T1) and shared templates (T5). Screens over the admin APIs; each change is live for every app.
 */
import { createResource, createSignal, For, Show } from 'solid-js'
import type { CrmCards } from '../../../../contract/admin-setup.ts'
import './setup.css'
import { api, errorText } from '../../../lib/api/index.ts'
import { t } from '../../../lib/i18n/index.ts'
import { toast } from '../../../lib/ui/index.ts'
import { CallSettingsCard } from './CallSettingsCard.tsx'

async function run(what: () => Promise<unknown>): Promise<boolean> {
  try {
    await what()
    toast(t('setup.saved'))
    return true
  } catch (e) {
    toast(errorText(e), 'error')
    return false
  }
}

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
  const set = async (omni: boolean) => {
    const ok = await run(async () => mutate(await api('PATCH /api/admin/features', { body: { omni } })))
    if (!ok) mutate(features())
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
          onChange={(e) => void set(e.currentTarget.checked)}
        />
        <span class="switch-text">
          <span>{t('setup.omni.label')}</span>
          <span id="setup-omni-hint" class="muted small">
            {t('setup.omni.hint')}
          </span>
        </span>
      </label>
    </section>
  )
}

function ChatCard() {
  const [settings, { refetch }] = createResource(() => api('GET /api/admin/chat-settings'))
  const [channels, { refetch: again }] = createResource(() => api('GET /api/admin/channels'))
  const [timeout, setTimeoutSec] = createSignal<number | null>(null)
  const saveTimeout = async (ev: Event) => {
    ev.preventDefault()
    const s = settings()
    const sec = timeout()
    if (!s || sec === null) return
    if (await run(() => api('PUT /api/admin/chat-settings', { body: { ...s, transferTimeoutSec: sec } })))
      void refetch()
  }
  const saveIdle = (id: string, value: string) =>
    run(() =>
      api('PUT /api/admin/channels/:id/auto-complete', {
        params: { id },
        body: { minutes: value.trim() === '' ? null : Number(value) },
      }),
    ).then(() => again())

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
      <ul class="list">
        <For each={channels()?.channels ?? []}>
          {(c) => (
            <li class="setup-channel">
              <span class="row-title">{c.name}</span>
              <span class="row-sub">
                {[c.address, c.connected ? t('setup.channels.connected') : t('setup.channels.off')]
                  .filter(Boolean)
                  .join(' · ')}
              </span>
              <label class="field field-inline">
                <span>{t('setup.chats.idle')}</span>
                <input
                  type="number"
                  min="1"
                  max="10080"
                  value={c.autoCompleteMinutes ?? ''}
                  aria-label={t('setup.chats.idleNamed', { name: c.name })}
                  onChange={(e) => void saveIdle(c.id, e.currentTarget.value)}
                />
              </label>
            </li>
          )}
        </For>
      </ul>
    </section>
  )
}

function CrmCard() {
  const [hook, { refetch }] = createResource(() => api('GET /api/admin/crm-webhook'))
  const [cards, { mutate }] = createResource(() => api('GET /api/admin/crm-cards'))
  const [url, setUrl] = createSignal<string | null>(null)
  const [secret, setSecret] = createSignal<string | null>(null)
  const saveHook = async (ev: Event) => {
    ev.preventDefault()
    try {
      const r = await api('PUT /api/admin/crm-webhook', { body: { url: url() ?? hook()?.url ?? '' } })
      setSecret(r.secret)
      toast(t('setup.saved'))
      void refetch()
    } catch (e) {
      toast(errorText(e), 'error')
    }
  }
  const list = () => cards()?.templates ?? []
  const saveCards = (next: CrmCards['templates']) =>
    run(async () => mutate(await api('PUT /api/admin/crm-cards', { body: { templates: next } })))
  const [name, setName] = createSignal('')
  const [tpl, setTpl] = createSignal('')

  return (
    <section class="card" aria-labelledby="setup-crm">
      <h2 id="setup-crm">{t('setup.crm.title')}</h2>
      <form class="admin-form" onSubmit={(e) => void saveHook(e)}>
        <label class="field">
          <span>{t('setup.crm.webhook')}</span>
          <input
            type="url"
            value={url() ?? hook()?.url ?? ''}
            placeholder="https://crm.example/hook"
            onInput={(e) => setUrl(e.currentTarget.value)}
          />
        </label>
        <button type="submit" class="btn btn-small">
          {t('setup.save')}
        </button>
        <Show when={secret()}>
          {(s) => (
            <p class="admin-secret">
              {t('setup.crm.secret')} <code>{s()}</code>
            </p>
          )}
        </Show>
      </form>
      <h3>{t('setup.crm.cards')}</h3>
      <p class="muted small">{t('setup.crm.cardsHint')}</p>
      <ul class="list">
        <For each={list()}>
          {(c, i) => (
            <li class="row row-wrap">
              <span class="row-main">
                <span class="row-title">{c.name}</span>
                <span class="row-sub">{c.url}</span>
              </span>
              <button
                type="button"
                class="btn btn-small btn-ghost"
                aria-label={t('setup.deleteNamed', { name: c.name })}
                onClick={() => void saveCards(list().filter((_, j) => j !== i()))}
              >
                {t('setup.delete')}
              </button>
            </li>
          )}
        </For>
      </ul>
      <form
        class="admin-form"
        onSubmit={(e) => {
          e.preventDefault()
          void saveCards([...list(), { name: name(), url: tpl() }]).then((ok) => {
            if (ok) {
              setName('')
              setTpl('')
            }
          })
        }}
      >
        <label class="field">
          <span>{t('setup.name')}</span>
          <input value={name()} maxLength={60} required onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>{t('setup.crm.cardUrl')}</span>
          <input
            value={tpl()}
            required
            placeholder="https://…?phone={phone}"
            onInput={(e) => setTpl(e.currentTarget.value)}
          />
        </label>
        <button type="submit" class="btn btn-small">
          {t('setup.crm.addCard')}
        </button>
      </form>
    </section>
  )
}

function TemplatesCard() {
  const [templates, { refetch }] = createResource(() => api('GET /api/templates'))
  const shared = () => (templates()?.templates ?? []).filter((x) => x.scope === 'shared')
  const [name, setName] = createSignal('')
  const [body, setBody] = createSignal('')
  const add = async (ev: Event) => {
    ev.preventDefault()
    if (await run(() => api('POST /api/admin/templates', { body: { name: name(), text: body() } }))) {
      setName('')
      setBody('')
      void refetch()
    }
  }
  return (
    <section class="card" aria-labelledby="setup-templates">
      <h2 id="setup-templates">{t('setup.templates.title')}</h2>
      <ul class="list">
        <For each={shared()}>
          {(x) => (
            <li class="row row-wrap">
              <span class="row-main">
                <span class="row-title">{x.name}</span>
                <span class="row-sub">{x.text}</span>
              </span>
              <button
                type="button"
                class="btn btn-small btn-ghost"
                aria-label={t('setup.deleteNamed', { name: x.name })}
                onClick={() =>
                  void run(() => api('DELETE /api/admin/templates/:id', { params: { id: x.id } })).then(() =>
                    refetch(),
                  )
                }
              >
                {t('setup.delete')}
              </button>
            </li>
          )}
        </For>
      </ul>
      <form class="admin-form" onSubmit={(e) => void add(e)}>
        <label class="field">
          <span>{t('setup.name')}</span>
          <input value={name()} maxLength={100} required onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>{t('setup.templates.text')}</span>
          <textarea value={body()} required onInput={(e) => setBody(e.currentTarget.value)} />
        </label>
        <button type="submit" class="btn btn-small">
          {t('setup.templates.add')}
        </button>
      </form>
    </section>
  )
}
