/** Whether the status picker is open: the header button and the forced-status note both open it. */
import { createSignal } from 'solid-js'

const [pickerOpen, setPickerOpen] = createSignal(false)

export { pickerOpen, setPickerOpen }

/** Opens the status picker (from the forced-status note). */
export function openStatusPicker(): void {
  // After this click has reached the picker's outside-click handler, which would close it again.
  setTimeout(() => setPickerOpen(true), 0)
}
