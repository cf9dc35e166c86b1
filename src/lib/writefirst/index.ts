/**
 * T10: "write first" can start from anywhere a number shows (call history, a client card, later the
 * clients on site). The screens that show numbers and the Requests feature that writes must not import
 * each other (the layering check forbids the loop): a screen asks here, the shell shows the sheet.
 */
import { createSignal } from 'solid-js'

/** The address the write-first sheet opens with ('' = empty), or null while it is closed. */
const [writeFirstAddress, setAddress] = createSignal<string | null>(null)

export { writeFirstAddress }

/** Opens the write-first sheet, optionally filled with an address (a phone, e-mail or @name). */
export function openWriteFirst(address = ''): void {
  setAddress(address)
}

/** Closes the write-first sheet. */
export function closeWriteFirst(): void {
  setAddress(null)
}
