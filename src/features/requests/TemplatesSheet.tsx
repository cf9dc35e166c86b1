/**
 * Templates (T5): search over the shared and the operator's personal templates, pick one to fill the
 * composer (edit, then send); create, edit and delete personal templates. Renders from the mirror.
 */
import { createEffect, createSignal, For, on, Show } from 'solid-js'
import type { TemplateView } from '../../../contract/chats.ts'
import { errorText } from '../../lib/api/index.ts'
import { t } from '../../lib/i18n/index.ts'
import { createLiveQuery, db } from '../../lib/store/index.ts'
import { toast } from '../../lib/ui/index.ts'
import { ChatIcon } from './ChatIcon.tsx'
import { localTemplates } from './mirror.ts'
import { deleteTemplate, refreshTemplates, saveTemplate } from './remote.ts'

export function TemplatesSheet(props: { onPick: (text: string) => void; onClose: () => void }) {
  const [q, setQ] = createSignal('')
  const [editing, setEditing] = createSignal<{ id?: string; name: string; text: string } | null>(null)
  const rows = createLiveQuery(db, q, (d, s) => localTemplates(d, s), [] as TemplateView[])
  createEffect(on(db, (d) => d && void refreshTemplates(d).catch(() => undefined)))
  const save = async (e: SubmitEvent) => {
    e.preventDefault()
    const d = db()
    const x = editing()
    if (!d || !x) return
    try {
      await saveTemplate(d, x)
      toast(t('templates.saved'))
      setEditing(null)
    } catch (err) {
      toast(errorText(err), 'error')
    }
  }
  const remove = async (x: TemplateView) => {
    const d = db()
    if (!d || !confirm(t('templates.deleteConfirm', { name: x.name }))) return
    try {
      await deleteTemplate(d, x.id)
      toast(t('templates.deleted'))
    } catch (err) {
      toast(errorText(err), 'error')
    }
  }
  return (
    <div class="sheet" role="dialog" aria-label={t('templates.title')}>
      <div class="sheet-head">
        <h2>{t('templates.title')}</h2>
        <button type="button" class="icon-btn" aria-label={t('common.close')} onClick={() => props.onClose()}>
          <ChatIcon name="close" />
        </button>
      </div>
      <Show
        when={editing()}
        fallback={
          <>
            <div class="search">
              <input
                type="search"
                aria-label={t('templates.search')}
                placeholder={t('templates.search')}
                value={q()}
                onInput={(e) => setQ(e.currentTarget.value)}
              />
            </div>
            <ul class="list tpl-list">
              <For each={rows()} fallback={<li class="empty-small">{t('templates.none')}</li>}>
                {(x) => (
                  <li class="tpl-row">
                    <button
                      type="button"
                      class="tpl-use"
                      aria-label={t('templates.use', { name: x.name })}
                      onClick={() => props.onPick(x.text)}
                    >
                      <span class="row-title">{x.name}</span>
                      <span class="row-sub">
                        {x.scope === 'shared' ? t('templates.shared') : t('templates.personal')} · {x.text}
                      </span>
                    </button>
                    <Show when={x.scope === 'personal'}>
                      <button
                        type="button"
                        class="icon-btn"
                        aria-label={t('templates.edit', { name: x.name })}
                        onClick={() => setEditing({ id: x.id, name: x.name, text: x.text })}
                      >
                        <ChatIcon name="edit" size={20} />
                      </button>
                      <button
                        type="button"
                        class="icon-btn"
                        aria-label={t('templates.delete', { name: x.name })}
                        onClick={() => void remove(x)}
                      >
                        <ChatIcon name="delete" size={20} />
                      </button>
                    </Show>
                  </li>
                )}
              </For>
            </ul>
            <button type="button" class="btn" onClick={() => setEditing({ name: '', text: '' })}>
              {t('templates.new')}
            </button>
          </>
        }
      >
        {(x) => (
          <form class="tpl-form" onSubmit={(e) => void save(e)}>
            <label class="field">
              <span>{t('templates.name')}</span>
              <input
                required
                maxLength={100}
                value={x().name}
                onInput={(e) => setEditing({ ...x(), name: e.currentTarget.value })}
              />
            </label>
            <label class="field">
              <span>{t('templates.text')}</span>
              <textarea
                rows={4}
                value={x().text}
                onInput={(e) => setEditing({ ...x(), text: e.currentTarget.value })}
              />
            </label>
            <div class="actions">
              <button type="submit" class="btn btn-primary">
                {t('templates.save')}
              </button>
              <button type="button" class="btn btn-ghost" onClick={() => setEditing(null)}>
                {t('login.cancel')}
              </button>
            </div>
          </form>
        )}
      </Show>
    </div>
  )
}
