/**
 * Employees (issue 13, SPEC A1): the accounts of the plan, create one (the extension offered), issue
 * or reset a password (shown once, copyable), edit, deactivate and re-activate.
 */
import { createResource, createSignal, For, Show } from 'solid-js'
import type { EmployeeAdminView, EmployeePasswordResponse } from '../../../contract/admin.ts'
import type { Role } from '../../../contract/api.ts'
import { ApiError, api, errorText } from '../../lib/api/index.ts'
import { lang, t, tError } from '../../lib/i18n/index.ts'
import { me } from '../../lib/session/index.ts'
import { ConfirmDialog, dismissToast, toast } from '../../lib/ui/index.ts'
import { inUseMessage } from './in-use-text.ts'
import './admin.css'
import { type EmployeeField, employeeFieldsOfError } from './field-errors.ts'

const ROLES: Role[] = ['operator', 'supervisor', 'admin']

interface Draft {
  name: string
  login: string
  role: Role
  extension: string
  mobile: string
  acceptButton: boolean
}

/** The one-time password box: shown until dismissed, with Copy. */
function PasswordBox(props: { issued: EmployeePasswordResponse; onDone: () => void }) {
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.issued.password)
      toast(t('admin.passwordCopied'))
    } catch {
      toast(t('admin.copyFailed'), 'error')
    }
  }
  return (
    <section class="card notice" role="status" aria-labelledby="admin-pw-title">
      <h2 id="admin-pw-title">{t('admin.passwordFor', { name: props.issued.employee.name })}</h2>
      <p class="muted small">{t('admin.passwordOnce')}</p>
      <p class="row-sub">
        {t('login.login')}: <strong data-testid="issued-login">{props.issued.employee.login}</strong>
      </p>
      <div class="admin-secret">
        <code data-testid="issued-password">{props.issued.password}</code>
        <button type="button" class="btn btn-small" onClick={() => void copy()}>
          {t('admin.copy')}
        </button>
        <button type="button" class="btn btn-small btn-ghost" onClick={() => props.onDone()}>
          {t('admin.done')}
        </button>
      </div>
    </section>
  )
}

/** Create or edit form. */
function EmployeeForm(props: {
  initial: Draft
  editing: boolean
  /** The tenant's slug: logins end with `@<it>` (the server appends it to a bare name). */
  loginDomain: string
  onSave: (d: Draft) => Promise<void>
  onCancel: () => void
}) {
  const [d, setD] = createSignal<Draft>({ ...props.initial })
  const [busy, setBusy] = createSignal(false)
  // Probe 13 UI #1: what the server refused, by field (→ the code to word it by); a field's mark goes
  // when it is edited.
  const [refused, setRefused] = createSignal<ReadonlyMap<EmployeeField, string>>(new Map())
  const set = <K extends keyof Draft>(k: K, val: Draft[K]) => {
    setD({ ...d(), [k]: val })
    if (refused().has(k as EmployeeField)) {
      const next = new Map(refused())
      next.delete(k as EmployeeField)
      setRefused(next)
    }
  }
  // The app's own messages at the field (novalidate): the browser's bubble speaks the browser's language.
  const [missing, setMissing] = createSignal<ReadonlySet<string>>(new Set())
  const marked = (k: EmployeeField) => missing().has(k) || refused().has(k)
  const fieldText = (k: EmployeeField) => {
    if (missing().has(k)) return t('admin.fieldRequired')
    const code = refused().get(k) ?? ''
    if (code !== 'E_VALIDATION') return tError(code)
    return k === 'mobile' ? t('admin.mobileInvalid') : t('admin.fieldInvalid')
  }
  const fieldErr = (k: EmployeeField) => (
    <Show when={marked(k)}>
      <span class="field-error" id={`emp-${k}-err`}>
        {fieldText(k)}
      </span>
    </Show>
  )
  const invalid = (k: EmployeeField) => ({
    'aria-invalid': marked(k),
    'aria-describedby': marked(k) ? `emp-${k}-err` : undefined,
  })
  let formEl: HTMLFormElement | undefined
  // An error toast of an earlier try goes once that try's problem is fixed (no stale red toasts).
  let errorToast: number | null = null
  const submit = async (e: Event) => {
    e.preventDefault()
    const need: ('name' | 'login' | 'extension')[] = [
      'name',
      ...(props.editing ? [] : ['login' as const]),
      'extension',
    ]
    const empty = new Set<string>(need.filter((k) => !d()[k].trim()))
    setMissing(empty)
    if (empty.size > 0) return
    setBusy(true)
    try {
      await props.onSave(d())
      dismissToast(errorToast)
      errorToast = null
    } catch (err) {
      dismissToast(errorToast)
      errorToast = null
      const fields = err instanceof ApiError ? employeeFieldsOfError(err.code, err.details) : new Map()
      setRefused(fields)
      if (fields.size > 0)
        queueMicrotask(() => formEl?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus())
      else errorToast = toast(errorText(err), 'error')
    } finally {
      setBusy(false)
    }
  }
  return (
    <form
      ref={formEl}
      class="card admin-form"
      onSubmit={(e) => void submit(e)}
      aria-labelledby="admin-emp-form"
      novalidate
    >
      <h2 id="admin-emp-form">{props.editing ? t('admin.editEmployee') : t('admin.newEmployee')}</h2>
      <label class="field">
        <span>{t('admin.name')}</span>
        <input
          required
          {...invalid('name')}
          value={d().name}
          onInput={(e) => set('name', e.currentTarget.value)}
        />
        {fieldErr('name')}
      </label>
      <Show when={!props.editing}>
        {/* The company's @slug beside the field, outside its label: the label stays "Login". */}
        <div class="admin-login">
          <label class="field">
            <span>{t('login.login')}</span>
            <input
              required
              {...invalid('login')}
              autocomplete="off"
              aria-describedby="admin-login-domain"
              value={d().login}
              onInput={(e) => set('login', e.currentTarget.value)}
            />
            {fieldErr('login')}
          </label>
          <span id="admin-login-domain" class="muted" title={t('admin.loginDomain')}>
            @{props.loginDomain}
          </span>
        </div>
      </Show>
      <label class="field">
        <span>{t('admin.role')}</span>
        <select onChange={(e) => set('role', e.currentTarget.value as Role)}>
          <For each={ROLES}>
            {(r) => (
              <option value={r} selected={d().role === r}>
                {t(`admin.role.${r}`)}
              </option>
            )}
          </For>
        </select>
      </label>
      <label class="field">
        <span>{t('admin.extension')}</span>
        <input
          required
          {...invalid('extension')}
          inputmode="numeric"
          value={d().extension}
          onInput={(e) => set('extension', e.currentTarget.value)}
        />
        {fieldErr('extension')}
      </label>
      <label class="field">
        <span>{t('admin.mobile')}</span>
        <input
          type="tel"
          inputmode="tel"
          autocomplete="off"
          placeholder={t('admin.mobilePlaceholder')}
          {...invalid('mobile')}
          value={d().mobile}
          onInput={(e) => set('mobile', e.currentTarget.value)}
        />
        {fieldErr('mobile')}
      </label>
      <label class="switch">
        <input
          type="checkbox"
          role="switch"
          checked={d().acceptButton}
          aria-checked={d().acceptButton}
          onChange={(e) => set('acceptButton', e.currentTarget.checked)}
        />
        <span class="switch-text">{t('admin.acceptButton')}</span>
      </label>
      <div class="confirm-actions">
        <button type="button" class="btn btn-secondary" onClick={() => props.onCancel()}>
          {t('common.cancel')}
        </button>
        <button type="submit" class="btn btn-primary" disabled={busy()}>
          {props.editing ? t('admin.save') : t('admin.create')}
        </button>
      </div>
    </form>
  )
}

/** The Employees section. */
export default function EmployeesPage() {
  const [data, { refetch }] = createResource(() => api('GET /api/admin/employees'))
  const [form, setForm] = createSignal<{ editing: EmployeeAdminView | null } | null>(null)
  const [issued, setIssued] = createSignal<EmployeePasswordResponse | null>(null)
  const [open, setOpen] = createSignal<string | null>(null)
  const [confirm, setConfirm] = createSignal<EmployeeAdminView | null>(null)
  // A new password signs the employee out everywhere at once: asked first (probe 13 UI #17).
  const [askReset, setAskReset] = createSignal<EmployeeAdminView | null>(null)
  /** Probe 13 UI #3: every seat of the plan taken — said on the counter, before any form is filled. */
  const seatsFull = () => {
    const s = data()?.seats
    return !!s && s.used >= s.total
  }

  const blank = (): Draft => ({
    name: '',
    login: '',
    role: 'operator',
    extension: data()?.nextExtension ?? '',
    mobile: '',
    acceptButton: true,
  })
  const draftOf = (e: EmployeeAdminView): Draft => ({
    name: e.name,
    login: e.login,
    role: e.role,
    extension: e.extension,
    mobile: e.mobile ?? '',
    acceptButton: e.acceptButton,
  })

  const save = async (d: Draft) => {
    const editing = form()?.editing
    if (editing) {
      await api('PATCH /api/admin/employees/:id', {
        params: { id: editing.id },
        body: {
          name: d.name,
          role: d.role,
          extension: d.extension,
          mobile: d.mobile,
          acceptButton: d.acceptButton,
        },
      })
      toast(t('admin.saved'))
    } else {
      try {
        setIssued(await api('POST /api/admin/employees', { body: { ...d, mobile: d.mobile || null } }))
      } catch (err) {
        // The seats filled meanwhile: the counter (and the Add button) say so at once.
        if (err instanceof ApiError && err.code === 'E_SEAT_LIMIT') void refetch()
        throw err
      }
    }
    setForm(null)
    await refetch()
  }
  const act = async (fn: () => Promise<unknown>) => {
    try {
      await fn()
      await refetch()
    } catch (err) {
      // E_EMPLOYEE_IN_USE names the numbers that still ring him.
      toast(err instanceof ApiError ? inUseMessage(err.code, err.details, lang()) : errorText(err), 'error')
    }
  }
  const resetPassword = (e: EmployeeAdminView) =>
    act(async () => setIssued(await api('POST /api/admin/employees/:id/password', { params: { id: e.id } })))
  const toggleActive = (e: EmployeeAdminView) =>
    act(() =>
      e.active
        ? api('POST /api/admin/employees/:id/deactivate', { params: { id: e.id } })
        : api('POST /api/admin/employees/:id/reactivate', { params: { id: e.id } }),
    )

  return (
    <>
      <Show when={data.error}>
        <p class="error">{errorText(data.error)}</p>
      </Show>
      <Show when={data()}>
        {(d) => (
          <p
            id="admin-seats"
            class={seatsFull() ? 'muted admin-seats admin-seats-full' : 'muted admin-seats'}
            data-testid="seats"
          >
            {t('admin.seats', { used: d().seats.used, total: d().seats.total })}
            <Show when={seatsFull()}> {t('admin.seatsFull')}</Show>
          </p>
        )}
      </Show>
      <Show when={issued()}>{(i) => <PasswordBox issued={i()} onDone={() => setIssued(null)} />}</Show>
      <Show
        when={form()}
        fallback={
          <button
            type="button"
            class="btn btn-primary"
            disabled={seatsFull()}
            aria-describedby={seatsFull() ? 'admin-seats' : undefined}
            onClick={() => setForm({ editing: null })}
          >
            {t('admin.addEmployee')}
          </button>
        }
      >
        {(f) => (
          <EmployeeForm
            initial={f().editing ? draftOf(f().editing as EmployeeAdminView) : blank()}
            editing={!!f().editing}
            loginDomain={data()?.loginDomain ?? ''}
            onSave={save}
            onCancel={() => setForm(null)}
          />
        )}
      </Show>
      <section class="card" aria-label={t('admin.employees')}>
        <ul class="list">
          <For each={data()?.employees ?? []}>
            {(e) => (
              <li classList={{ 'admin-inactive': !e.active }}>
                <button
                  type="button"
                  class="row row-button"
                  aria-expanded={open() === e.id}
                  onClick={() => setOpen(open() === e.id ? null : e.id)}
                >
                  <span class="row-main">
                    <span class="row-title">{e.name}</span>
                    <span class="row-sub">
                      {/* The state first, as a badge: at 360 px the end of this line is cut off. */}
                      <Show when={!e.active}>
                        <span class="admin-badge">{t('admin.inactive')}</span>{' '}
                      </Show>
                      {e.login} · {e.extension} · {t(`admin.role.${e.role}`)}
                    </span>
                  </span>
                </button>
                <Show when={open() === e.id}>
                  <div class="admin-actions">
                    <button
                      type="button"
                      class="btn btn-small"
                      onClick={() => setForm({ editing: e })}
                      aria-label={t('admin.editNamed', { name: e.name })}
                    >
                      {t('admin.edit')}
                    </button>
                    {/* Probe 13 #7: one's own password and account are not the admin route's (E_SELF). */}
                    <Show
                      when={e.id !== me()?.id}
                      fallback={
                        <p class="muted small" data-testid="admin-self-note">
                          {t('admin.selfNote')}
                        </p>
                      }
                    >
                      <Show when={e.active}>
                        <button
                          type="button"
                          class="btn btn-small"
                          onClick={() => setAskReset(e)}
                          aria-label={t('admin.resetNamed', { name: e.name })}
                        >
                          {t('admin.resetPassword')}
                        </button>
                      </Show>
                      <button
                        type="button"
                        class={e.active ? 'btn btn-small btn-danger' : 'btn btn-small'}
                        onClick={() => (e.active ? setConfirm(e) : void toggleActive(e))}
                        aria-label={t(e.active ? 'admin.deactivateNamed' : 'admin.reactivateNamed', {
                          name: e.name,
                        })}
                      >
                        {e.active ? t('admin.deactivate') : t('admin.reactivate')}
                      </button>
                    </Show>
                  </div>
                </Show>
              </li>
            )}
          </For>
        </ul>
      </section>
      <Show when={askReset()}>
        {(e) => (
          <ConfirmDialog
            title={t('admin.resetTitle', { name: e().name })}
            text={t('admin.resetText')}
            ok={t('admin.resetPassword')}
            onCancel={() => setAskReset(null)}
            onOk={() => {
              const who = e()
              setAskReset(null)
              void resetPassword(who)
            }}
          />
        )}
      </Show>
      <Show when={confirm()}>
        {(e) => (
          <ConfirmDialog
            title={t('admin.deactivateTitle', { name: e().name })}
            text={t('admin.deactivateText')}
            ok={t('admin.deactivate')}
            danger
            onCancel={() => setConfirm(null)}
            onOk={() => {
              // Read before closing: the <Show> accessor is stale once `confirm` is cleared.
              const who = e()
              setConfirm(null)
              void toggleActive(who)
            }}
          />
        )}
      </Show>
    </>
  )
}
