/**
 * The e-mail channel (issue 8 §1): mail in through our SMTP server (smtp.ts → mail.ts → receive.ts),
 * replies out through the tenant's SMTP relay (send.ts). The app starts the inbound server when it is
 * ready and stops it when it closes; `app.smtp.port` is where it listens.
 */
import type { FastifyInstance } from 'fastify'
import type { Db } from '../../db/index.ts'
import type { FileStore } from '../../files/index.ts'
import { EmailAdapter } from './send.ts'
import { type InboundSmtp, inboundSmtp, type SmtpLimits } from './smtp.ts'

export { EmailAdapter, relayOf } from './send.ts'
export {
  emailChannelByAddress,
  type InboundSmtp,
  SMTP_LIMITS,
  SMTP_MAX_BYTES,
  type SmtpLimits,
} from './smtp.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** The inbound SMTP server (null when the app runs without one, as most tests do). */
    smtp: InboundSmtp | null
  }
}

/** What the e-mail channel needs from the configuration (SMTP_PORT, SMTP_RELAY_URL). */
export interface EmailOptions {
  /** The inbound server's port (0: any free one); null: no inbound server. */
  port: number | null
  host?: string | undefined
  /** The relay replies go through when a channel names none (smtp://host:port). */
  relayUrl?: string | null | undefined
  maxBytes?: number | undefined
  /** Concurrency, per-IP and transaction limits of the inbound server (tests lower them). */
  limits?: Partial<SmtpLimits> | undefined
  /** Where mails are spooled while they come in (default: a fresh temp directory). */
  spoolDir?: string | undefined
}

/** Starts the inbound server with the app and returns the outbound adapter. */
export function emailChannel(
  app: FastifyInstance,
  db: Db,
  files: FileStore,
  opts: EmailOptions | undefined,
): EmailAdapter {
  const smtp =
    opts && opts.port !== null
      ? inboundSmtp(db, files, {
          port: opts.port,
          host: opts.host,
          maxBytes: opts.maxBytes,
          limits: opts.limits,
          spoolDir: opts.spoolDir,
          onError: (err, what) => app.log.warn({ err }, what),
        })
      : null
  app.decorate('smtp', smtp)
  if (smtp) {
    // A taken port must not stop the app: calls and the other channels work without mail in.
    app.addHook('onReady', async () => {
      await smtp.start().catch((err: unknown) => app.log.error({ err }, 'smtp: inbound server did not start'))
    })
    app.addHook('onClose', () => smtp.stop())
  }
  return new EmailAdapter(opts?.relayUrl ?? null)
}
