/**
 * The conversation header's menu (the three dots): "Send to CRM" (T13, as the Ringostat article
 * has) hands the chat to the tenant's CRM webhook now; the server's job delivers it.
 */
import { createSignal, Show } from 'solid-js'
import { api, errorText } from '../../lib/api/index.ts'
import { t } from '../../lib/i18n/index.ts'
import { toast } from '../../lib/ui/index.ts'
import { ChatIcon } from './ChatIcon.tsx'

export function ChatMenu(props: { chatId: string }) {
  const [open, setOpen] = createSignal(false)
  const sendToCrm = async () => {
    setOpen(false)
    try {
      await api('POST /api/chats/:id/crm', { params: { id: props.chatId } })
      toast(t('chat.sentToCrm'))
    } catch (e) {
      toast(errorText(e), 'error')
    }
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
        <div class="chat-menu-list" role="menu">
          <button type="button" role="menuitem" class="chat-menu-item" onClick={() => void sendToCrm()}>
            {t('chat.sendToCrm')}
          </button>
        </div>
      </Show>
    </div>
  )
}
