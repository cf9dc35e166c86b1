-- 0040 (issue 8 §1): the e-mail channel's threading. Each mail a client sends keeps its Message-ID on
-- its stored message (messages.external_id, 0031); here, per mail, what the reply needs: the subject
-- (our reply says "Re: <the chat's first subject>") and the References chain it carried (RFC 5322
-- §3.6.4: a reply's References = the parent's References + the parent's Message-ID).
CREATE TABLE email_mails (
  tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  chat_id uuid NOT NULL,
  message_id text NOT NULL CHECK (length(message_id) BETWEEN 1 AND 300),
  subject text NOT NULL DEFAULT '' CHECK (length(subject) <= 998),
  refs text[] NOT NULL DEFAULT '{}',
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, chat_id, message_id),
  FOREIGN KEY (tenant_id, chat_id) REFERENCES chats(tenant_id, id) ON DELETE CASCADE
);
-- Written last for a mail: its presence says the mail was stored whole (a redelivery stops there).
CREATE INDEX email_mails_message ON email_mails (tenant_id, message_id);
-- The e-mail channel is found by the address a mail is written to (RCPT TO), case-insensitively; one
-- connected channel per address, so a mail can never be routed to a tenant that merely claims it.
CREATE UNIQUE INDEX channels_email_address ON channels (lower(address)) WHERE kind = 'email' AND connected;
