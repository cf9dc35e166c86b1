/**
 * The admin's Channels screen (issue 13 §2; SPEC T1, A5): website chat first, then the tenant's
 * channels, and connecting one. No event tells other admins' apps of a connect or a disconnect, so
 * the list is read again whenever the app comes back to the foreground.
 */
import { createResource, createSignal, onCleanup, Show } from 'solid-js'
import type { ChannelAdminView, ChannelSecretResponse } from '../../../../contract/channels.ts'
import { api, errorText } from '../../../lib/api/index.ts'
import { t } from '../../../lib/i18n/index.ts'
import { ConfirmDialog, toast } from '../../../lib/ui/index.ts'
import { ChannelForm } from './ChannelForm.tsx'
import { ChannelList } from './ChannelList.tsx'
import { SecretCard } from './SecretCard.tsx'
import { WebchatCard } from './WebchatCard.tsx'
import './channels.css'

type Form = { channel?: ChannelAdminView } | null
type Confirm = { act: 'rotate' | 'disconnect'; channel: ChannelAdminView } | null

/** The Channels section. */
export function ChannelsSection() {
  const [list, { refetch }] = createResource(() => api('GET /api/admin/channels'))
  const [groups] = createResource(() => api('GET /api/admin/groups'))
  const [form, setForm] = createSignal<Form>(null)
  const [once, setOnce] = createSignal<ChannelSecretResponse | null>(null)
  const [confirm, setConfirm] = createSignal<Confirm>(null)

  const again = () => {
    if (document.visibilityState === 'visible') void refetch()
  }
  document.addEventListener('visibilitychange', again)
  window.addEventListener('focus', again)
  onCleanup(() => {
    document.removeEventListener('visibilitychange', again)
    window.removeEventListener('focus', again)
  })

  const channels = () => (list()?.channels ?? []).filter((c) => c.kind !== 'webchat')
  const groupList = () => groups()?.groups ?? []

  const act = async (c: Confirm) => {
    if (!c) return
    try {
      if (c.act === 'rotate')
        setOnce(await api('POST /api/admin/channels/:id/secret', { params: { id: c.channel.id } }))
      else {
        await api('POST /api/admin/channels/:id/disconnect', { params: { id: c.channel.id } })
        toast(t('channels.disconnected', { name: c.channel.name }))
      }
    } catch (e) {
      toast(errorText(e), 'error')
    }
    await refetch()
  }

  return (
    <>
      <WebchatCard groups={groupList()} />
      <Show when={once()}>{(s) => <SecretCard shown={s()} onClose={() => setOnce(null)} />}</Show>
      <Show
        when={form()}
        fallback={
          <button type="button" class="btn btn-primary" onClick={() => setForm({})}>
            {t('channels.connect')}
          </button>
        }
      >
        {(f) => (
          <ChannelForm
            groups={groupList()}
            channel={f().channel}
            onConnected={(r) => {
              setForm(null)
              setOnce(r)
              void refetch()
            }}
            onSaved={() => {
              setForm(null)
              void refetch()
            }}
            onCancel={() => setForm(null)}
          />
        )}
      </Show>
      <Show when={list.error}>
        <p class="error">{errorText(list.error)}</p>
      </Show>
      <ChannelList
        channels={channels()}
        onEdit={(c) => setForm({ channel: c })}
        onRotate={(c) => setConfirm({ act: 'rotate', channel: c })}
        onDisconnect={(c) => setConfirm({ act: 'disconnect', channel: c })}
      />
      <Show when={confirm()}>
        {(c) => (
          <ConfirmDialog
            title={t(c().act === 'rotate' ? 'channels.newSecretTitle' : 'channels.disconnectTitle', {
              name: c().channel.name,
            })}
            text={t(c().act === 'rotate' ? 'channels.newSecretText' : 'channels.disconnectText')}
            ok={t(c().act === 'rotate' ? 'channels.newSecret' : 'channels.disconnect')}
            danger
            onCancel={() => setConfirm(null)}
            onOk={() => {
              // Read before closing: the <Show> accessor is stale once `confirm` is cleared.
              const what = c()
              setConfirm(null)
              void act(what)
            }}
          />
        )}
      </Show>
    </>
  )
}
