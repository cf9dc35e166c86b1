/**
 * SPEC S1/S2: the status matrix is data. Each tenant stores its own copy (tenants.status_matrix);
 * code asks `statusAllows` and never compares status names.
 */
import * as v from 'valibot'
import { text } from './text.ts'

/** What a status may allow — the columns of SPEC S1. */
export const STATUS_ABILITIES = [
  'softphoneIn',
  'mobileIn',
  'outgoing',
  'chats',
  'workingTime',
  'nonWorkingTime',
] as const
export type StatusAbility = (typeof STATUS_ABILITIES)[number]

export const StatusDefSchema = v.strictObject({
  id: v.pipe(text, v.regex(/^[a-z][a-z0-9_]{0,31}$/)),
  name: v.strictObject({
    ru: v.pipe(text, v.trim(), v.minLength(1), v.maxLength(40)),
    en: v.pipe(text, v.trim(), v.minLength(1), v.maxLength(40)),
  }),
  color: v.pipe(text, v.regex(/^#[0-9a-fA-F]{6}$/)),
  allows: v.strictObject({
    softphoneIn: v.boolean(),
    mobileIn: v.boolean(),
    outgoing: v.boolean(),
    chats: v.boolean(),
    workingTime: v.boolean(),
    nonWorkingTime: v.boolean(),
  }),
})
export type StatusDef = v.InferOutput<typeof StatusDefSchema>

export const StatusMatrixSchema = v.pipe(
  v.array(StatusDefSchema),
  v.minLength(1),
  v.maxLength(20),
  v.check((list) => new Set(list.map((s) => s.id)).size === list.length, 'status ids must be unique'),
)
export type StatusMatrix = StatusDef[]

const s = (
  id: string,
  en: string,
  ru: string,
  color: string,
  a: [boolean, boolean, boolean, boolean, boolean, boolean],
): StatusDef => ({
  id,
  name: { en, ru },
  color,
  allows: {
    softphoneIn: a[0],
    mobileIn: a[1],
    outgoing: a[2],
    chats: a[3],
    workingTime: a[4],
    nonWorkingTime: a[5],
  },
})

/** The default matrix, exactly SPEC S1's table. */
export const DEFAULT_STATUS_MATRIX: StatusMatrix = [
  s('available', 'Available', 'Доступен', '#1e9e4a', [true, true, true, true, true, false]),
  s('break', 'Break', 'Перерыв', '#e0a100', [false, false, false, true, true, false]),
  s('dnd', 'Do not disturb', 'Не беспокоить', '#d93025', [false, false, true, true, true, false]),
  s('away', 'Away', 'Нет на месте', '#7b61ff', [false, true, false, true, true, false]),
  s('off_work', 'Off work', 'Не работаю', '#8a8f98', [false, false, false, false, false, true]),
]

/** May an operator whose status is `statusId` do `ability`? Unknown statuses allow nothing. */
export function statusAllows(matrix: StatusMatrix, statusId: string, ability: StatusAbility): boolean {
  return matrix.find((d) => d.id === statusId)?.allows[ability] ?? false
}

/** An operator is "online" (SPEC K1 filter) while their status counts as working time. */
export function isOnlineStatus(matrix: StatusMatrix, statusId: string): boolean {
  return statusAllows(matrix, statusId, 'workingTime')
}
