/**
 * Settings → CRM (T13): the webhook address and its signing key, and the CRM card links. Saving the
 * address keeps the key the CRM holds; a new key is a separate, confirmed action (probe 13 UI #7),
 * shown once with a Copy button. A card link is removed only after a confirmation (#16).
 */
import { createResource, createSignal, For, Show } from 'solid-js'
import type { CrmCards } from '../../../../contract/admin-setup.ts'
import { api, errorText } from '../../../lib/api/index.ts'
import { t } from '../../../lib/i18n/index.ts'
import { ConfirmDialog, toast } from '../../../lib/ui/index.ts'
import { CopyRow } from '../channels/parts.tsx'
import { saved } from './saved.ts'

export function CrmCard() {
  const [hook, { refetch }] = createResource(() => api('GET /api/admin/crm-webhook'))
  const [cards, { mutate }] = createResource(() => api('GET /api/admin/crm-cards'))
  const [url, setUrl] = createSignal<string | null>(null)
  const [secret, setSecret] = createSignal<string | null>(null)
  const [askKey, setAskKey] = createSignal(false)
  const [askCard, setAskCard] = createSignal<number | null>(null)
  const saveHook = async (ev: Event) => {
    ev.preventDefault()
    try {
      const r = await api('PUT /api/admin/crm-webhook', { body: { url: url() ?? hook()?.url ?? '' } })
      // A key comes back only for a new webhook; an address change keeps the one the CRM has.
      if (r.secret) setSecret(r.secret)
      toast(t(r.secret ? 'setup.saved' : 'setup.crm.savedKeyKept'))
      void refetch()
    } catch (e) {
      toast(errorText(e), 'error')
    }
  }
  const newKey = async () => {
    setAskKey(false)
    try {
      setSecret((await api('POST /api/admin/crm-webhook/secret')).secret)
      toast(t('setup.crm.newKeyDone'))
    } catch (e) {
      toast(errorText(e), 'error')
    }
  }
  const list = () => cards()?.templates ?? []
  const saveCards = (next: CrmCards['templates']) =>
    saved(async () => mutate(await api('PUT /api/admin/crm-cards', { body: { templates: next } })))
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
            aria-describedby="setup-crm-hook-hint"
            onInput={(e) => setUrl(e.currentTarget.value)}
          />
        </label>
        <p id="setup-crm-hook-hint" class="muted small">
          {t('setup.crm.webhookHint')}
        </p>
        <div class="setup-actions">
          <button type="submit" class="btn btn-small">
            {t('setup.save')}
          </button>
          <Show when={hook()?.url}>
            <button type="button" class="btn btn-small btn-ghost" onClick={() => setAskKey(true)}>
              {t('setup.crm.newKey')}
            </button>
          </Show>
        </div>
        <Show when={secret()}>
          {(s) => (
            <div class="setup-key" role="status">
              <p class="small">{t('setup.crm.keyOnce')}</p>
              <CopyRow label={t('setup.crm.key')} value={s()} testId="crm-secret" />
            </div>
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
                onClick={() => setAskCard(i())}
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
      <Show when={askKey()}>
        <ConfirmDialog
          title={t('setup.crm.newKeyTitle')}
          text={t('setup.crm.newKeyText')}
          ok={t('setup.crm.newKey')}
          danger
          onOk={() => void newKey()}
          onCancel={() => setAskKey(false)}
        />
      </Show>
      <Show when={askCard() !== null ? list()[askCard() as number] : undefined}>
        {(c) => (
          <ConfirmDialog
            title={t('setup.crm.deleteCardTitle', { name: c().name })}
            text={t('setup.crm.deleteCardText')}
            ok={t('setup.delete')}
            danger
            onOk={() => {
              const at = askCard()
              setAskCard(null)
              void saveCards(list().filter((_, j) => j !== at))
            }}
            onCancel={() => setAskCard(null)}
          />
        )}
      </Show>
    </section>
  )
}
