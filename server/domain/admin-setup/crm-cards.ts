/**
 * CRM card URL templates (issue 13 §2, T13): links an operator opens to see the client in the
 * company's CRM, `{phone}`-style placeholders filled by the app (contract/admin-setup.ts).
 */
import { eq } from 'drizzle-orm'
import type { CrmCards } from '../../../contract/admin-setup.ts'
import { type Db, type Queryable, schema } from '../../db/index.ts'
import { audit } from './audit.ts'

const { crmCards } = schema

/** The tenant's CRM card templates (none until the admin sets some). */
export async function crmCardTemplates(q: Queryable, tenantId: string): Promise<CrmCards> {
  const [row] = await q.select().from(crmCards).where(eq(crmCards.tenantId, tenantId))
  return { templates: row?.templates ?? [] }
}

/** Replaces the templates (validated by the contract's schema before this). */
export async function setCrmCardTemplates(db: Db, tenantId: string, actorId: string, input: CrmCards) {
  return db.orm.transaction(async (tx) => {
    const before = await crmCardTemplates(tx, tenantId)
    await tx
      .insert(crmCards)
      .values({ tenantId, templates: input.templates })
      .onConflictDoUpdate({ target: crmCards.tenantId, set: { templates: input.templates } })
    await audit(tx, tenantId, {
      actorId,
      action: 'crm_cards.update',
      entity: 'settings',
      entityId: null,
      before,
      after: input,
    })
    return input
  })
}
