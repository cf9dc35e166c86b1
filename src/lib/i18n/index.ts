/** The i18n door: a reactive language signal and `t()` (SPEC A4). */
import { createSignal } from 'solid-js'
import { errorMessage, type Lang } from '../../../contract/index.ts'
import type { MessageKey } from './en.ts'
import { dictionaries, format, formatDate, pickLang } from './format.ts'

export type { MessageKey } from './en.ts'
export { LOCALES, pickLang } from './format.ts'

const STORAGE_KEY = 'frontline.lang'

function initialLang(): Lang {
  // localStorage keeps the first paint in the right language without waiting for IndexedDB.
  const saved = globalThis.localStorage?.getItem(STORAGE_KEY)
  if (saved === 'ru' || saved === 'en') return saved
  return pickLang(globalThis.navigator?.languages ?? [globalThis.navigator?.language ?? 'en'])
}

const [lang, setLangSignal] = createSignal<Lang>(initialLang())

/** The current UI language. */
export { lang }

/** Change and remember the UI language. */
export function setLang(l: Lang): void {
  globalThis.localStorage?.setItem(STORAGE_KEY, l)
  document.documentElement.lang = l
  setLangSignal(l)
}

/** Translate a key in the current language (reactive inside JSX). */
export function t(key: MessageKey, vars?: Record<string, string | number>): string {
  return format(dictionaries[lang()][key], vars)
}

/** Localized text for a server error code (contract catalogue). */
export function tError(code: string): string {
  return errorMessage(code, lang())
}

/** A date/time in the current UI language's locale (reactive inside JSX). Every printed date uses this. */
export function fmtDate(value: Date | string | number, options: Intl.DateTimeFormatOptions): string {
  return formatDate(value, lang(), options)
}

/** Translate a key in a given language (not the UI's): e.g. a new item's default name in each language. */
export function tIn(l: Lang, key: MessageKey, vars?: Record<string, string | number>): string {
  return format(dictionaries[l][key], vars)
}

/** The forms of a counted phrase, by CLDR plural category (Russian: one, few, many; English: one, other). */
export interface CountForms {
  one: MessageKey
  few?: MessageKey
  many?: MessageKey
  other: MessageKey
}

/** A counted phrase in the current language's plural form, `{n}` filled in (probe 13 #14: "1 other session"). */
export function tCount(forms: CountForms, n: number): string {
  const cat = new Intl.PluralRules(lang()).select(n)
  const key = (cat === 'one' || cat === 'few' || cat === 'many' ? forms[cat] : undefined) ?? forms.other
  return t(key, { n })
}
