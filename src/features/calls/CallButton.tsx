/** Click-to-call (C3): a phone button for any number — extension, group or client phone. */
import { Icon } from '../../lib/ui/index.ts'
import { placeCall } from './actions.ts'

/** A round phone button; `label` is its accessible name (e.g. "Call Anna (101)"). */
export function CallButton(props: { number: string; label: string }) {
  return (
    <button
      type="button"
      class="icon-btn call-btn"
      aria-label={props.label}
      title={props.label}
      onClick={(e) => {
        // Rows may be links (a client row opens the card): the call button must not navigate.
        e.preventDefault()
        e.stopPropagation()
        void placeCall(props.number)
      }}
    >
      <Icon name="phone" size={20} />
    </button>
  )
}
