/** Tenants, their employees and groups, and the demo seed. */

export {
  createCompany,
  createCompanyIn,
  listCompanies,
  reactivateCompany,
  sipDomainOf,
  suspendCompany,
} from './companies.ts'
export { DEMO_ACCOUNTS, DEMO_CLIENTS, DEMO_EMAIL_ADDRESS, DEMO_NO_ACCEPT_BUTTON } from './demo-data.ts'
export { type DemoLogins, seedDemo, writeDemoLogins } from './seed.ts'
export {
  createEmployee,
  createGroup,
  createTenant,
  type NewEmployee,
  type NewTenant,
  tenantBySlug,
} from './tenants.ts'
