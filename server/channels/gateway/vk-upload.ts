/**
 * VK API calls of the sender: one method call with VK's errors sorted into what a retry mends and
 * what it never will, and the three-step upload of an operator's file (VK API "Uploading files"):
 *   photo: photos.getMessagesUploadServer → POST the file as `photo` → photos.saveMessagesPhoto
 *          → `photo{owner_id}_{id}[_{access_key}]`
 *   other: docs.getMessagesUploadServer (type doc, or audio_message for an Ogg voice message) → POST the
 *          file as `file` → docs.save → `doc{owner_id}_{id}[_{access_key}]`
 * The multipart body streams the file from the file store (outbound-files.ts).
 */
import { PermanentFailure } from '../../jobs/index.ts'
import { ReadableFailure } from '../external.ts'
import { callProvider, idOf } from './core.ts'
import type { OutgoingFile } from './outbound-files.ts'

/** VK photos: JPEG, PNG or GIF up to 50 MB (larger images go as documents). */
export const VK_PHOTO_MAX = 50 * 1024 * 1024
const PHOTO_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif'])

/**
 * VK error codes a retry mends (too many requests, flood control, VK's internal errors); every other
 * code is final. The reasons of the common final ones, for the operator and the log.
 */
const RETRIED = new Set([1, 6, 9, 10, 603])
const REASONS: Record<number, string> = {
  5: 'ключ доступа сообщества недействителен / the community token is invalid or revoked',
  7: 'у ключа нет прав на сообщения, фото или документы / the token lacks the right (messages, photos or docs)',
  15: 'доступ запрещён / access denied',
  27: 'ключ сообщества не может вызвать этот метод / a community token cannot call this method',
  100: 'неверный параметр / a parameter is invalid',
  901: 'клиент не разрешил сообществу писать ему / the client has not allowed the community to message them',
  902: 'настройки приватности клиента запрещают сообщения / the client’s privacy settings forbid messages',
  914: 'сообщение слишком длинное / the message is too long',
  917: 'у сообщества нет доступа к этому чату / the community has no access to this chat',
  936: 'контакт не найден / the contact was not found',
}

/** A VK API method's `response`; PermanentFailure or a retried Error for VK's `error`. */
export async function vkCall(url: string, form: Record<string, string>): Promise<unknown> {
  const res = (await callProvider(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form),
  })) as { response?: unknown; error?: { error_code?: unknown; error_msg?: unknown } } | null
  if (res?.error) {
    const code = Number(res.error.error_code)
    const msg = String(res.error.error_msg ?? '').slice(0, 200)
    if (RETRIED.has(code)) throw new Error(`vk: ${code} ${msg}`)
    const reason = `ВКонтакте / VK ${code}: ${REASONS[code] ?? msg}`
    throw new ReadableFailure(`vk refused: ${code} ${REASONS[code] ?? msg}`, reason)
  }
  return res?.response
}

type Call = (method: string, params: Record<string, string>) => Promise<unknown>

/** POSTs the file to VK's upload server (multipart, field `field`); the upload server's JSON. */
async function upload(
  uploadUrl: unknown,
  field: string,
  file: OutgoingFile,
): Promise<Record<string, unknown>> {
  if (typeof uploadUrl !== 'string' || !/^https?:\/\//.test(uploadUrl))
    throw new Error('vk: no upload_url in the answer')
  const form = new FormData()
  form.set(field, await file.blob(), file.name)
  const got = (await callProvider(uploadUrl, { method: 'POST', body: form })) as Record<
    string,
    unknown
  > | null
  if (!got || typeof got !== 'object') throw new Error('vk: the upload server answered nothing')
  if (got.error) throw new PermanentFailure(`vk refused the upload: ${String(got.error).slice(0, 200)}`)
  return got
}

/** `{kind}{owner_id}_{id}[_{access_key}]` of a saved photo or document. */
function attachmentOf(
  kind: 'photo' | 'doc',
  o: { owner_id?: unknown; id?: unknown; access_key?: unknown } | null,
) {
  const owner = idOf(o?.owner_id, 20)
  const id = idOf(o?.id, 20)
  if (!owner || !id) throw new Error(`vk: the saved ${kind} has no id`)
  const key = idOf(o?.access_key, 100)
  return `${kind}${owner}_${id}${key ? `_${key}` : ''}`
}

/** Uploads an operator's file for `peer` and returns the `attachment` of messages.send. */
export async function uploadAttachment(call: Call, peer: string, file: OutgoingFile): Promise<string> {
  if (!file.voice && PHOTO_TYPES.has(file.type) && file.size <= VK_PHOTO_MAX) {
    const server = (await call('photos.getMessagesUploadServer', { peer_id: peer })) as {
      upload_url?: unknown
    }
    const up = await upload(server?.upload_url, 'photo', file)
    if (typeof up.photo !== 'string' || up.photo === '[]' || up.server == null || typeof up.hash !== 'string')
      throw new PermanentFailure('vk refused the upload: the photo was not accepted')
    const saved = (await call('photos.saveMessagesPhoto', {
      photo: up.photo,
      server: String(up.server),
      hash: up.hash,
    })) as { owner_id?: unknown; id?: unknown }[] | null
    return attachmentOf('photo', Array.isArray(saved) ? (saved[0] ?? null) : null)
  }
  // VK plays Ogg Opus as a voice message; a WebM recording (Chromium's) goes as a document.
  const type = file.voice && file.type === 'audio/ogg' ? 'audio_message' : 'doc'
  const server = (await call('docs.getMessagesUploadServer', { type, peer_id: peer })) as {
    upload_url?: unknown
  }
  const up = await upload(server?.upload_url, 'file', file)
  if (typeof up.file !== 'string') throw new PermanentFailure('vk refused the upload: no file in the answer')
  const saved = (await call('docs.save', { file: up.file, title: file.name.slice(0, 128) })) as Record<
    string,
    { owner_id?: unknown; id?: unknown } | undefined
  > | null
  return attachmentOf('doc', saved?.[type] ?? saved?.doc ?? null)
}
