/**
 * Probe 13 #4 in the admin screen: deleting the group the website chat's chats go to alone is refused
 * (it would open the channel to every operator), and the admin reads why and which channel, in
 * English and in Russian; nothing changed.
 */
import { DEMO_CHANNELS } from '../server/domain/tenants/demo-data.ts'
import { expect, test } from './fixtures.ts'
import { operatorPhone } from './helpers.ts'
import { tokenOf } from './phone-helpers.ts'

const webchatName = DEMO_CHANNELS.find((c) => c.kind === 'webchat')?.name ?? ''

test("C3 deleting the website chat's only group is refused: the admin reads which channel, in English and Russian", async ({
  browser,
  request,
  server,
}) => {
  const headers = { authorization: `Bearer ${await tokenOf(request, server, 'admin@demo')}` }
  const url = (p: string) => `${server.baseURL}${p}`
  const before = (await (await request.get(url('/api/admin/channels/webchat'), { headers })).json()) as {
    connected: boolean
    groupIds: string[]
  }
  const made = await request.post(url('/api/admin/groups'), {
    headers,
    data: {
      name: 'VIP desk',
      extension: '309',
      strategy: 'parallel',
      ringTimeoutSec: 20,
      takesChats: true,
      memberIds: [],
    },
  })
  expect(made.status()).toBe(201)
  const vip = ((await made.json()) as { group: { id: string } }).group.id
  const put = await request.put(url('/api/admin/channels/webchat'), {
    headers,
    data: { connected: true, groupIds: [vip] },
  })
  expect(put.ok()).toBe(true)
  const said: Record<string, string> = {}
  const admin = await operatorPhone(browser, server, 'admin@demo', { locale: 'en-US' })
  try {
    for (const [lang, edit, del, words] of [
      ['en', 'Edit VIP desk', 'Delete', 'This group is still in use'],
      ['ru', 'Изменить VIP desk', 'Удалить', 'Группа ещё используется'],
    ] as const) {
      if (lang === 'ru') {
        await admin.page.goto('/account')
        await admin.page.getByRole('combobox', { name: 'Language' }).selectOption({ label: 'Русский' })
        await expect(admin.page.getByRole('combobox', { name: 'Язык' })).toBeVisible()
      }
      await admin.page.goto('/admin/groups')
      await admin.page.getByRole('button', { name: edit }).click()
      await admin.page.getByRole('button', { name: del, exact: true }).click()
      await admin.page.getByRole('alertdialog').getByRole('button', { name: del }).click()
      const alert = admin.page.getByRole('alert').filter({ hasText: words })
      await expect(alert).toBeVisible()
      await expect(alert).toContainText(`(${webchatName})`)
      said[lang] = (await alert.textContent()) ?? ''
    }
    // Nothing changed: the group is there, the website chat still goes to it alone.
    const groups = (await (await request.get(url('/api/admin/groups'), { headers })).json()) as {
      groups: { id: string }[]
    }
    expect(groups.groups.map((g) => g.id)).toContain(vip)
    expect(await (await request.get(url('/api/admin/channels/webchat'), { headers })).json()).toEqual({
      connected: true,
      groupIds: [vip],
    })
    expect(said.en).not.toEqual(said.ru)
  } finally {
    await admin.context.close()
    await request.put(url('/api/admin/channels/webchat'), { headers, data: before })
    await request.delete(url(`/api/admin/groups/${vip}`), { headers })
  }
})
