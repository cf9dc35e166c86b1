/** Employees and seats as the admin runs them (issue 13, SPEC A1). */
export {
  type Actor,
  addEmployee,
  adminView,
  assertSeatFree,
  createEmployeeByAdmin,
  deactivateEmployee,
  editEmployee,
  extensionTaken,
  issuePassword,
  listEmployeesAdmin,
  newPassword,
  nextExtension,
  reactivateEmployee,
  seatsOf,
} from './employees.ts'
export { wouldIssuePassword } from './issue-target.ts'
