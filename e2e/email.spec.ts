/**
 * SPEC T1, issue 8 §1: the e-mail channel end to end — a client's mail over SMTP to the demo
 * tenant's address, the operator's reply from the app, and the mail that reaches the client's side
 * (a capturing relay on the port the worker's server relays to), threaded to the original.
 */
import { randomUUID } from 'node:crypto'
import nodemailer from 'nodemailer'
import { captureRelay } from '../server/test/smtp.ts'
import { expect, test } from './fixtures.ts'
import { chooseStatus, operatorPhone } from './helpers.ts'

const DEMO_ADDRESS = 'support@demo.frontline.local'

test('T1 e-mail in → operator replies → the reply arrives at the capturing relay threaded to the original', async ({
  browser,
  server,
}) => {
  const relay = await captureRelay(need(server.relayPort))
  try {
    const op = await operatorPhone(browser, server, 'op1@demo')
    await chooseStatus(op.page, /Available/)
    await op.page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('link', { name: 'Requests' })
      .click()
    // The client writes from his mail program (nodemailer over SMTP to our inbound server).
    const tag = randomUUID().slice(0, 6)
    const name = `Mail Client ${tag}`
    const address = `client-${tag}@client.example`
    const original = `<${randomUUID()}@client.example>`
    const mailer = nodemailer.createTransport({
      host: '127.0.0.1',
      port: need(server.smtpPort),
      ignoreTLS: true,
    })
    await mailer.sendMail({
      from: { name, address },
      to: DEMO_ADDRESS,
      subject: `Order ${tag}`,
      text: 'Where is my parcel?',
      html: '<p>Where is my <b>parcel</b>?</p><img src="http://tracker.example/p.gif"><script>alert(1)</script>',
      messageId: original,
    })
    // Live in his New: the subject and the text, as text.
    const link = op.page.getByRole('link', { name: new RegExp(`^Open chat with ${name}`) })
    await expect(link).toBeVisible()
    // The channel is a named badge on the avatar (probe 12 UI #5).
    await expect(link.getByRole('img', { name: 'E-mail' })).toBeVisible()
    await link.click()
    await expect(op.page.getByText(`Order ${tag}`)).toBeVisible()
    await expect(op.page.getByText('Where is my parcel?')).toBeVisible()
    const accept = op.page.getByRole('button', { name: 'Accept chat' })
    const box = op.page.getByRole('textbox', { name: 'Message' })
    await expect(accept.or(box)).toBeVisible()
    if (await accept.isVisible()) await accept.click()
    await box.fill('It left our warehouse today.')
    await op.page.getByRole('button', { name: 'Send', exact: true }).click()
    // The reply reaches the client's side threaded under his mail.
    const got = await relay.next()
    expect(got.envelope).toEqual({ from: DEMO_ADDRESS, to: [address] })
    expect(got.parsed.subject).toBe(`Re: Order ${tag}`)
    expect(got.parsed.inReplyTo).toBe(original)
    expect(got.parsed.references).toBe(original)
    expect(got.parsed.text?.trim()).toBe('It left our warehouse today.')
    await op.context.close()
  } finally {
    await relay.close()
  }
})

/** The worker's server always has these ports (fixtures.ts); a server a test launches itself may not. */
function need(port: number | undefined): number {
  if (!port) throw new Error('this server has no SMTP ports')
  return port
}
