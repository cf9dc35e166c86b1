/**
 * The emoji picker (T4): emoji-picker-element, a web component with Russian and English labels, in
 * its own lazy chunk. Its emoji data is served by us (an asset of the build), never by a CDN; the
 * component keeps it in IndexedDB after the first use, so it works offline from then on.
 */

import ruI18n from 'emoji-picker-element/i18n/ru_RU'
import Picker from 'emoji-picker-element/picker'
import enData from 'emoji-picker-element-data/en/emojibase/data.json?url'
import ruData from 'emoji-picker-element-data/ru/emojibase/data.json?url'
import { onCleanup, onMount } from 'solid-js'
import { lang } from '../../lib/i18n/index.ts'

/** The picker; `onPick` gets the emoji as text. */
export default function EmojiPanel(props: { onPick: (emoji: string) => void; label: string }) {
  let host: HTMLDivElement | undefined
  onMount(() => {
    const ru = lang() === 'ru'
    const picker = new Picker(
      ru ? { locale: 'ru', dataSource: ruData, i18n: ruI18n } : { locale: 'en', dataSource: enData },
    )
    picker.classList.add('emoji-picker')
    const onClick = (e: CustomEvent<{ unicode?: string }>) => {
      if (e.detail.unicode) props.onPick(e.detail.unicode)
    }
    picker.addEventListener('emoji-click', onClick as EventListener)
    host?.append(picker)
    onCleanup(() => {
      picker.removeEventListener('emoji-click', onClick as EventListener)
      picker.remove()
    })
  })
  return <div class="emoji-host" ref={host} role="dialog" aria-label={props.label} />
}
