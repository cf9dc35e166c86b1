/** Pure message formatting, shared by the app and tests (no DOM, no signals). */
import type { Lang } from '../../../contract/index.ts'
import { en, type MessageKey } from './en.ts'
import { ru } from './ru.ts'

export const dictionaries: Record<Lang, Record<MessageKey, string>> = { en, ru }

/** Replace `{name}` placeholders; unknown placeholders stay visible so a missing value is noticed. */
export function format(template: string, vars?: Record<string, string | number>): string {
  if (!vars) return template
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m))
}

/** The language a browser prefers, as one of ours (SPEC A4: default from navigator.language). */
export function pickLang(preferred: readonly string[]): Lang {
  for (const p of preferred) {
    const base = p.toLowerCase().split('-')[0]
    if (base === 'ru' || base === 'en') return base
  }
  return 'en'
}

/** The Intl locale for each UI language: dates and times follow the app language, not the browser. */
export const LOCALES: Record<Lang, string> = { en: 'en-GB', ru: 'ru-RU' }

/** Format a date/time in the given UI language (24-hour clock in both). */
export function formatDate(
  value: Date | string | number,
  language: Lang,
  options: Intl.DateTimeFormatOptions,
): string {
  return new Intl.DateTimeFormat(LOCALES[language], options).format(new Date(value))
}
