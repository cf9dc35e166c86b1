/**
 * Settings → shared templates (T5): add, edit (PATCH keeps the attachments and who may use it) and
 * delete after a confirmation (probe 13 UI #16); the text box is a multi-line field with a hint of
 * the placeholders fillTemplate (features/requests/text.ts) expands.
 */
import { createResource, createSignal, For, Show } from 'solid-js'
import type { TemplateView } from '../../../../contract/chats.ts'
import { api } from '../../../lib/api/index.ts'
import { t } from '../../../lib/i18n/index.ts'
import { ConfirmDialog } from '../../../lib/ui/index.ts'
import { saved } from './saved.ts'

/** Name and text fields of a template (the new one and the one being edited). */
function TemplateFields(props: {
  id: string
  name: string
  text: string
  onName: (v: string) => void
  onText: (v: string) => void
}) {
  return (
    <>
      <label class="field">
        <span>{t('setup.name')}</span>
        <input
          value={props.name}
          maxLength={100}
          required
          onInput={(e) => props.onName(e.currentTarget.value)}
        />
      </label>
      <label class="field">
        <span>{t('setup.templates.text')}</span>
        <textarea
          class="setup-textarea"
          rows={4}
          value={props.text}
          required
          aria-describedby={`${props.id}-hint`}
          onInput={(e) => props.onText(e.currentTarget.value)}
        />
      </label>
      <p id={`${props.id}-hint`} class="muted small">
        {t('setup.templates.placeholders')}
      </p>
    </>
  )
}

export function TemplatesCard() {
  const [templates, { refetch }] = createResource(() => api('GET /api/templates'))
  const shared = () => (templates()?.templates ?? []).filter((x) => x.scope === 'shared')
  const [name, setName] = createSignal('')
  const [body, setBody] = createSignal('')
  const [editing, setEditing] = createSignal<{ id: string; name: string; text: string } | null>(null)
  const [asking, setAsking] = createSignal<TemplateView | null>(null)
  const add = async (ev: Event) => {
    ev.preventDefault()
    if (await saved(() => api('POST /api/admin/templates', { body: { name: name(), text: body() } }))) {
      setName('')
      setBody('')
      void refetch()
    }
  }
  const saveEdit = async (ev: Event, x: TemplateView) => {
    ev.preventDefault()
    const e = editing()
    if (!e) return
    const ok = await saved(() =>
      api('PATCH /api/admin/templates/:id', {
        params: { id: x.id },
        body: {
          name: e.name,
          text: e.text,
          attachmentIds: x.attachments.map((a) => a.id),
          allowedEmployeeIds: x.allowedEmployeeIds,
        },
      }),
    )
    if (ok) {
      setEditing(null)
      void refetch()
    }
  }
  const remove = async (x: TemplateView) => {
    setAsking(null)
    if (await saved(() => api('DELETE /api/admin/templates/:id', { params: { id: x.id } }))) void refetch()
  }
  return (
    <section class="card" aria-labelledby="setup-templates">
      <h2 id="setup-templates">{t('setup.templates.title')}</h2>
      <ul class="list">
        <For each={shared()}>
          {(x) => (
            <li class="row row-wrap">
              <Show
                when={editing()?.id === x.id ? editing() : null}
                fallback={
                  <>
                    <span class="row-main">
                      <span class="row-title">{x.name}</span>
                      <span class="row-sub setup-template-text">{x.text}</span>
                    </span>
                    <button
                      type="button"
                      class="btn btn-small btn-ghost"
                      aria-label={t('setup.editNamed', { name: x.name })}
                      onClick={() => setEditing({ id: x.id, name: x.name, text: x.text })}
                    >
                      {t('setup.edit')}
                    </button>
                    <button
                      type="button"
                      class="btn btn-small btn-ghost"
                      aria-label={t('setup.deleteNamed', { name: x.name })}
                      onClick={() => setAsking(x)}
                    >
                      {t('setup.delete')}
                    </button>
                  </>
                }
              >
                {(e) => (
                  <form
                    class="admin-form setup-template-edit"
                    aria-label={t('setup.editNamed', { name: x.name })}
                    onSubmit={(ev) => void saveEdit(ev, x)}
                  >
                    <TemplateFields
                      id={`tpl-${x.id}`}
                      name={e().name}
                      text={e().text}
                      onName={(v) => setEditing({ ...e(), name: v })}
                      onText={(v) => setEditing({ ...e(), text: v })}
                    />
                    <div class="setup-actions">
                      <button type="submit" class="btn btn-small">
                        {t('setup.save')}
                      </button>
                      <button type="button" class="btn btn-small btn-ghost" onClick={() => setEditing(null)}>
                        {t('common.cancel')}
                      </button>
                    </div>
                  </form>
                )}
              </Show>
            </li>
          )}
        </For>
      </ul>
      <form class="admin-form" onSubmit={(e) => void add(e)}>
        <TemplateFields id="tpl-new" name={name()} text={body()} onName={setName} onText={setBody} />
        <button type="submit" class="btn btn-small">
          {t('setup.templates.add')}
        </button>
      </form>
      <Show when={asking()}>
        {(x) => (
          <ConfirmDialog
            title={t('setup.templates.deleteTitle', { name: x().name })}
            text={t('setup.templates.deleteText')}
            ok={t('setup.delete')}
            danger
            onOk={() => void remove(x())}
            onCancel={() => setAsking(null)}
          />
        )}
      </Show>
    </section>
  )
}
