/**
 * The conversation header's menu (the three dots), as the UIS article has it: request info
 * ("Информация"), transfer, "Complete chat" ("Завершить чат") and "Send to CRM" (T13, as the
 * Ringostat article has) — the header keeps its room for who the client is. Send to CRM hands the
 * chat to the tenant's CRM webhook now; the server's job delivers it. Escape and a tap outside close
 * the menu; arrow keys move between its items.
 */
import { createSignal, Index, Show } from 'solid-js'
import { api, errorText } from '../../lib/api/index.ts'
import { t } from '../../lib/i18n/index.ts'
import { menuKeys, toast, useOverlay } from '../../lib/ui/index.ts'
import { ChatIcon } from './ChatIcon.tsx'

export interface ChatMenuItem {
  label: string
  run: () => void
}

export function ChatMenu(props: { chatId: string; items: ChatMenuItem[]; crm: boolean }) {
  const [open, setOpen] = createSignal(false)
  const sendToCrm = async () => {
    try {
      await api('POST /api/chats/:id/crm', { params: { id: props.chatId } })
      toast(t('chat.sentToCrm'))
    } catch (e) {
      toast(errorText(e), 'error')
    }
  }
  const items = (): ChatMenuItem[] => [
    ...props.items,
    ...(props.crm ? [{ label: t('chat.sendToCrm'), run: () => void sendToCrm() }] : []),
  ]
  // The menu closes (focus back on ⋮) before the item runs, so a sheet it opens takes focus from there.
  const pick = (i: ChatMenuItem) => {
    setOpen(false)
    i.run()
  }
  return (
    <div class="chat-menu">
      <button
        type="button"
        class="icon-btn"
        aria-label={t('chat.menu')}
        title={t('chat.menu')}
        aria-haspopup="menu"
        aria-expanded={open()}
        onClick={() => setOpen(!open())}
      >
        <ChatIcon name="more" />
      </button>
      <Show when={open()}>
        <MenuList label={t('chat.menu')} items={items()} pick={pick} close={() => setOpen(false)} />
      </Show>
    </div>
  )
}

function MenuList(props: {
  label: string
  items: ChatMenuItem[]
  pick: (i: ChatMenuItem) => void
  close: () => void
}) {
  let list: HTMLDivElement | undefined
  useOverlay(() => list, props.close, { outside: true })
  return (
    <div
      class="chat-menu-list"
      role="menu"
      aria-label={props.label}
      ref={list}
      onKeyDown={(e) => menuKeys(e, list)}
    >
      {/* By position: the items are rebuilt when the chat row changes, the focused button must stay. */}
      <Index each={props.items}>
        {(i) => (
          <button type="button" role="menuitem" class="chat-menu-item" onClick={() => props.pick(i())}>
            {i().label}
          </button>
        )}
      </Index>
    </div>
  )
}
