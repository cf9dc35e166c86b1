/**
 * A message's file (T4): images and video as previews, audio (voice) as a player with its duration,
 * documents as a row that downloads. Bytes come from GET /api/files/:id with the token (fetched as a
 * blob), or from the outbox's copy while the message has not left.
 */
import { createResource, Match, onCleanup, Show, Switch } from 'solid-js'
import type { FileView } from '../../../contract/chats.ts'
import { errorText } from '../../lib/api/index.ts'
import { t } from '../../lib/i18n/index.ts'
import { toast } from '../../lib/ui/index.ts'
import { ChatIcon } from './ChatIcon.tsx'
import { durationText, fileShape, sizeText } from './files.ts'
import { fetchFile } from './remote.ts'
import { displayText } from './text.ts'

const cache = new Map<string, Promise<Blob>>()

/** A stored file's bytes, fetched once per session. */
function fileBlob(id: string): Promise<Blob> {
  let p = cache.get(id)
  if (!p) {
    p = fetchFile(id)
    p.catch(() => cache.delete(id))
    cache.set(id, p)
  }
  return p
}

/** Save a blob under a name (the name is only a suggestion to the browser, never a path). */
function saveAs(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = name
  a.rel = 'noopener'
  document.body.append(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

/** The file of a message; `blob` is the local copy of a message not yet sent. */
export function Attachment(props: { file: FileView; blob?: Blob; voice: boolean; noPreview?: boolean }) {
  // A refused file is shown by name only: its bytes may not be what its name says (evil.exe.jpg).
  const shape = () => (props.voice ? 'audio' : props.noPreview ? 'file' : fileShape(props.file.type))
  const made: string[] = []
  onCleanup(() => {
    for (const u of made) URL.revokeObjectURL(u)
  })
  const [url] = createResource(
    () => (shape() === 'file' ? null : { id: props.file.id, blob: props.blob }),
    async (k) => {
      const blob = k.blob ?? (k.id ? await fileBlob(k.id) : null)
      if (!blob) return null
      const u = URL.createObjectURL(blob)
      made.push(u)
      return u
    },
  )
  const download = () => {
    const b = props.blob
    const go = b ? Promise.resolve(b) : fileBlob(props.file.id)
    void go.then((x) => saveAs(x, props.file.name)).catch((e: unknown) => toast(errorText(e), 'error'))
  }
  return (
    <Switch>
      <Match when={shape() === 'image'}>
        <Show when={url()} fallback={<span class="att-ph" aria-label={props.file.name} role="img" />}>
          {(u) => <img class="att-img" src={u()} alt={props.file.name} />}
        </Show>
      </Match>
      <Match when={shape() === 'video'}>
        <Show when={url()} fallback={<span class="att-ph" aria-label={props.file.name} role="img" />}>
          {(u) => (
            // biome-ignore lint/a11y/useMediaCaption: client videos come without captions
            <video class="att-video" src={u()} controls preload="metadata" aria-label={props.file.name} />
          )}
        </Show>
      </Match>
      <Match when={shape() === 'audio'}>
        <span class="att-audio">
          <Show when={url()}>
            {(u) => (
              // biome-ignore lint/a11y/useMediaCaption: voice messages have no captions
              <audio
                src={u()}
                controls
                preload="metadata"
                aria-label={t('chat.voice', { duration: durationText(props.file.durationMs) })}
              />
            )}
          </Show>
          <span class="att-dur">{durationText(props.file.durationMs)}</span>
        </span>
      </Match>
      <Match when={shape() === 'file'}>
        <button
          type="button"
          class="att-file"
          onClick={download}
          aria-label={t('chat.download', { name: props.file.name })}
        >
          <span class="att-file-icon" aria-hidden="true">
            <ChatIcon name="file" size={28} />
          </span>
          <span class="att-file-name" dir="auto">
            {displayText(props.file.name)}
          </span>
          <span class="small muted">{sizeText(props.file.size)}</span>
        </button>
      </Match>
    </Switch>
  )
}
