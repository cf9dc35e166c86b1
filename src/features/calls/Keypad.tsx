/** The 12-key pad (C3 dialling, C4 DTMF). Each key's accessible name is what it shows: "2 ABC" (A3). */
import { For } from 'solid-js'

const KEYS: [string, string][] = [
  ['1', ''],
  ['2', 'ABC'],
  ['3', 'DEF'],
  ['4', 'GHI'],
  ['5', 'JKL'],
  ['6', 'MNO'],
  ['7', 'PQRS'],
  ['8', 'TUV'],
  ['9', 'WXYZ'],
  ['*', ''],
  ['0', '+'],
  ['#', ''],
]

/** Keypad; `onKey` gets the pressed symbol. */
export function Keypad(props: { onKey: (key: string) => void; label: string; dark?: boolean }) {
  return (
    <fieldset class={`keypad${props.dark ? ' keypad-dark' : ''}`} aria-label={props.label}>
      <For each={KEYS}>
        {([key, letters]) => (
          <button type="button" class="key" onClick={() => props.onKey(key)}>
            <span class="key-main">{key}</span> <span class="key-sub">{letters}</span>
          </button>
        )}
      </For>
    </fieldset>
  )
}
