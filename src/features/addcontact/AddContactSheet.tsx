/**
 * Probe 11 finding 15 (K3): "Add to contacts" from a chat is a bottom sheet in the app's style — a
 * title, a close button, radio rows a finger can hit, the primary action — over the conversation,
 * not a browser-default form pushed between the Insider and the messages.
 */
import { Portal } from 'solid-js/web'
import { t } from '../../lib/i18n/index.ts'
import { useOverlay } from '../../lib/ui/index.ts'
import { AddContactPanel, type AddContactProps } from './AddContactPanel.tsx'
import './sheet.css'

/** The sheet; closes on ✕, Escape or a tap on the backdrop; once saved it links to the client. */
export function AddContactSheet(props: AddContactProps & { onClose: () => void }) {
  let el: HTMLDivElement | undefined
  useOverlay(() => el, props.onClose, { trap: true, initial: 'input:not([type=radio])' })
  return (
    <Portal>
      <div class="ac-backdrop" aria-hidden="true" onClick={() => props.onClose()} />
      <div class="ac-sheet" role="dialog" aria-modal="true" aria-labelledby="ac-sheet-title" ref={el}>
        <div class="ac-head">
          <h2 id="ac-sheet-title">{t('addContact.title')}</h2>
          <button
            type="button"
            class="icon-btn"
            aria-label={t('common.close')}
            onClick={() => props.onClose()}
          >
            <span aria-hidden="true">✕</span>
          </button>
        </div>
        <AddContactPanel
          phone={props.phone}
          email={props.email}
          name={props.name}
          callId={props.callId}
          chatId={props.chatId}
          startOpen
        />
      </div>
    </Portal>
  )
}
