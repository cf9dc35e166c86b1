/**
 * The composer (T4, T5): text with emoji, the reply quote, files by picker or camera (each a message
 * of its own, checked for type and the 30 MB cap first), a voice message, templates. Everything it
 * sends goes to the outbox at once (send.ts): it is shown "sending" and leaves when it can.
 */
import { createSignal, For, lazy, Show, Suspense } from 'solid-js'
import type { ChannelCapabilities } from '../../../contract/chats.ts'
import { MESSAGE_MAX_CHARS } from '../../../contract/chats.ts'
import { t } from '../../lib/i18n/index.ts'
import type { MessageRow } from '../../lib/store/index.ts'
import { ChatIcon } from './ChatIcon.tsx'
import { channelFileProblem, fileProblem, fileProblemDeep } from './files.ts'
import { TemplatesSheet } from './TemplatesSheet.tsx'
import { fillTemplate, messageLine } from './text.ts'
import { VoiceRecorder } from './VoiceRecorder.tsx'

const EmojiPanel = lazy(() => import('./EmojiPanel.tsx'))

export interface Outgoing {
  text: (text: string, replyToId: string | null) => void
  file: (f: File, replyToId: string | null) => void
  voice: (v: { blob: Blob; type: string; durationMs: number }) => void
}

export function Composer(props: {
  caps: ChannelCapabilities
  replyTo: MessageRow | null
  onCancelReply: () => void
  send: Outgoing
  /** What a template's placeholders are filled with (T5). */
  names?: { operator: string; client: string | null }
  /** Told what is typed and not sent yet. */
  onDraft?: (text: string) => void
  /** T12: "Send later" hands the text over (offered where the channel allows scheduling). */
  onSendLater?: (text: string) => void
}) {
  const [text, setTextSignal] = createSignal('')
  const setText = (v: string | ((x: string) => string)) => {
    const next = setTextSignal(v as string)
    props.onDraft?.(next)
    return next
  }
  const [emoji, setEmoji] = createSignal(false)
  const [templates, setTemplates] = createSignal(false)
  const [voiceActive, setVoiceActive] = createSignal(false)
  const [errors, setErrors] = createSignal<string[]>([])
  let input: HTMLTextAreaElement | undefined
  let files: HTMLInputElement | undefined
  let camera: HTMLInputElement | undefined

  // A paste over the limit is kept whole and said so (a maxlength would cut it silently).
  const tooLong = () => text().length > MESSAGE_MAX_CHARS
  const sendText = () => {
    const s = text().trim()
    if (!s || tooLong()) return
    props.send.text(s, props.replyTo?.id ?? null)
    setText('')
    setEmoji(false)
    props.onCancelReply()
    input?.focus()
  }
  const insert = (s: string) => {
    const el = input
    if (!el) return setText((x) => x + s)
    const start = el.selectionStart ?? el.value.length
    const end = el.selectionEnd ?? start
    const next = el.value.slice(0, start) + s + el.value.slice(end)
    setText(next)
    queueMicrotask(() => {
      el.focus()
      el.setSelectionRange(start + s.length, start + s.length)
    })
  }
  const pickFiles = async (list: FileList | null) => {
    const all = [...(list ?? [])]
    const bad: string[] = []
    let reply = props.replyTo?.id ?? null
    for (const f of all) {
      // What the channel cannot carry (Avito: images only) is refused here, before any upload.
      const refused = channelFileProblem(props.caps, f)
      if (refused) {
        bad.push(t(refused.key, refused.vars))
        continue
      }
      const why = await fileProblemDeep(f).catch(() => fileProblem(f))
      if (why) {
        bad.push(t(why, { name: f.name }))
        continue
      }
      props.send.file(f, reply)
      reply = null
    }
    if (all.length > bad.length) props.onCancelReply()
    setErrors(bad)
  }
  return (
    <div class="composer">
      <Show when={props.replyTo}>
        {(r) => (
          <div class="reply-bar">
            <span class="reply-text">{t('chat.replyingTo', { text: messageLine(r()) })}</span>
            <button
              type="button"
              class="icon-btn"
              aria-label={t('chat.cancelReply')}
              onClick={() => props.onCancelReply()}
            >
              <ChatIcon name="close" size={18} />
            </button>
          </div>
        )}
      </Show>
      <Show when={errors().length > 0}>
        <div class="composer-errors" role="alert">
          <For each={errors()}>{(e) => <p>{e}</p>}</For>
          <button
            type="button"
            class="icon-btn"
            aria-label={t('common.dismiss')}
            onClick={() => setErrors([])}
          >
            <ChatIcon name="close" size={18} />
          </button>
        </div>
      </Show>
      <Show when={emoji()}>
        <Suspense fallback={<p class="small muted">{t('app.loading')}</p>}>
          <EmojiPanel label={t('composer.emoji')} onPick={insert} />
        </Suspense>
      </Show>
      <Show when={templates()}>
        <TemplatesSheet
          onClose={() => setTemplates(false)}
          onPick={(s) => {
            setText(props.names ? fillTemplate(s, props.names) : s)
            setTemplates(false)
            queueMicrotask(() => input?.focus())
          }}
        />
      </Show>
      <Show when={text().length > MESSAGE_MAX_CHARS - 500}>
        <p
          id="composer-count"
          class="small composer-count"
          classList={{ 'composer-over': tooLong() }}
          role="status"
        >
          {tooLong()
            ? t('composer.tooLong', { n: text().length, max: MESSAGE_MAX_CHARS })
            : t('composer.count', { n: text().length, max: MESSAGE_MAX_CHARS })}
        </p>
      </Show>
      <div class="composer-row">
        <Show when={!voiceActive()}>
          <button
            type="button"
            class="icon-btn"
            aria-label={t('composer.templates')}
            title={t('composer.templates')}
            aria-expanded={templates()}
            onClick={() => setTemplates(!templates())}
          >
            <ChatIcon name="templates" />
          </button>
          <Show when={props.caps.files || props.caps.images}>
            <button
              type="button"
              class="icon-btn"
              aria-label={t('composer.attach')}
              title={t('composer.attach')}
              onClick={() => files?.click()}
            >
              <ChatIcon name="attach" />
            </button>
            <button
              type="button"
              class="icon-btn composer-camera"
              aria-label={t('composer.camera')}
              title={t('composer.camera')}
              onClick={() => camera?.click()}
            >
              <ChatIcon name="camera" />
            </button>
            <input
              ref={files}
              type="file"
              multiple
              hidden
              aria-label={t('composer.attach')}
              onChange={(e) => {
                void pickFiles(e.currentTarget.files)
                e.currentTarget.value = ''
              }}
            />
            <input
              ref={camera}
              type="file"
              accept="image/*,video/*"
              capture="environment"
              hidden
              aria-label={t('composer.camera')}
              onChange={(e) => {
                void pickFiles(e.currentTarget.files)
                e.currentTarget.value = ''
              }}
            />
          </Show>
          <textarea
            ref={input}
            class="composer-input"
            rows={1}
            aria-describedby="composer-count"
            aria-invalid={tooLong()}
            aria-label={t('composer.label')}
            placeholder={t('composer.placeholder')}
            value={text()}
            onInput={(e) => {
              setText(e.currentTarget.value)
              setErrors([])
            }}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
                e.preventDefault()
                sendText()
              }
            }}
          />
          <button
            type="button"
            class="icon-btn"
            aria-label={t('composer.emoji')}
            title={t('composer.emoji')}
            aria-expanded={emoji()}
            onClick={() => setEmoji(!emoji())}
          >
            <ChatIcon name="emoji" />
          </button>
        </Show>
        <Show when={props.caps.scheduled && props.onSendLater}>
          <button
            type="button"
            class="icon-btn"
            aria-label={t('scheduled.sendLater')}
            title={t('scheduled.sendLater')}
            onClick={() => {
              props.onSendLater?.(text().trim())
              setText('')
            }}
          >
            <ChatIcon name="clock" />
          </button>
        </Show>
        <Show
          when={!text().trim() && props.caps.voice}
          fallback={
            <button
              type="button"
              class="btn btn-primary composer-send"
              aria-label={t('composer.send')}
              title={t('composer.send')}
              onClick={sendText}
              disabled={!text().trim() || tooLong()}
            >
              <ChatIcon name="send" />
            </button>
          }
        >
          <VoiceRecorder
            onSend={(v) => props.send.voice(v)}
            onError={(e) => setErrors([e])}
            onActive={setVoiceActive}
          />
        </Show>
      </div>
    </div>
  )
}
