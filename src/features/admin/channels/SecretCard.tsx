/** The webhook URL and secret of a just connected (or rotated) channel: shown once, until closed (T1). */
import { Show } from 'solid-js'
import type { ChannelSecretResponse } from '../../../../contract/channels.ts'
import { t } from '../../../lib/i18n/index.ts'
import { CopyRow } from './parts.tsx'
import { unreachableFromOutside } from './reach.ts'

export function SecretCard(props: { shown: ChannelSecretResponse; onClose: () => void }) {
  return (
    <section class="card notice chan-once" role="status" aria-labelledby="chan-once-title">
      <h2 id="chan-once-title">{t('channels.once.title')}</h2>
      <p class="muted small">{t('channels.once.intro', { name: props.shown.channel.name })}</p>
      <CopyRow label={t('channels.webhook')} value={props.shown.webhookUrl} testId="once-webhook" />
      <Show when={unreachableFromOutside(props.shown.webhookUrl)}>
        <p class="error small" data-testid="once-unreachable">
          {t('channels.once.unreachable')}
        </p>
      </Show>
      <CopyRow label={t('channels.secret')} value={props.shown.secret} testId="once-secret" />
      <button type="button" class="btn btn-primary" onClick={() => props.onClose()}>
        {t('channels.once.close')}
      </button>
    </section>
  )
}
