/**
 * SPEC K1, A4: the phone's own contacts through the Contact Picker API (Chrome on Android), kept on
 * this device only, and the "Prefer names from the phone's contact book" switch they feed. Where the
 * browser has no picker the switch is disabled and says why, in words.
 */
import { createSignal, Show } from 'solid-js'
import { t } from '../../lib/i18n/index.ts'
import {
  forgetPicked,
  keepPicked,
  pickedCount,
  pickerSupported,
  pickFromPhone,
} from '../../lib/phonebook/index.ts'
import { db } from '../../lib/store/index.ts'
import { toast } from '../../lib/ui/index.ts'
import { loadPhoneFormat } from '../calls/index.ts'
import { settings, updateSettings } from './settings.ts'
import './phone-contacts.css'

/** The A4 switch with the K1 picker under it. */
export function PhoneContacts() {
  const supported = pickerSupported()
  const [busy, setBusy] = createSignal(false)
  const pick = async () => {
    const d = db()
    if (!d) return
    setBusy(true)
    try {
      const [picked, { toE164 }] = await Promise.all([pickFromPhone(), loadPhoneFormat()])
      const n = await keepPicked(d, picked, toE164)
      const skipped = picked.length - n
      // Picking is asking for their names: the switch comes on with the first ones (probe 12 UI #7).
      const turnOn = n > 0 && !settings().preferPhoneNames
      if (turnOn) await updateSettings({ preferPhoneNames: true })
      toast(
        [
          t('phoneBook.picked', { n }),
          ...(skipped > 0 ? [t('phoneBook.skipped', { n: skipped })] : []),
          ...(turnOn ? [t('phoneBook.namesOn')] : []),
        ].join(' '),
      )
    } catch {
      toast(t('phoneBook.pickFailed'), 'error')
    } finally {
      setBusy(false)
    }
  }
  return (
    <section class="phone-contacts" aria-labelledby="phone-contacts-title">
      <h3 id="phone-contacts-title" class="phone-contacts-title">
        {t('phoneBook.title')}
      </h3>
      <label class="switch">
        <input
          type="checkbox"
          role="switch"
          aria-checked={supported && settings().preferPhoneNames}
          aria-labelledby="phone-names-label"
          aria-describedby={supported ? 'phone-names-hint' : 'phone-names-hint phone-names-why'}
          checked={supported && settings().preferPhoneNames}
          disabled={!supported}
          onChange={(e) => void updateSettings({ preferPhoneNames: e.currentTarget.checked })}
        />
        <span class="switch-text">
          <span id="phone-names-label">{t('settings.phoneNames')}</span>
          <span id="phone-names-hint" class="muted small">
            {t('settings.phoneNamesHint')}
          </span>
          <Show when={!supported}>
            <span id="phone-names-why" class="small">
              {t('phoneBook.unsupported')}
            </span>
          </Show>
        </span>
      </label>
      <Show when={supported}>
        <div class="phone-contacts-pick">
          <button type="button" class="btn btn-secondary" disabled={busy()} onClick={() => void pick()}>
            {t('phoneBook.pick')}
          </button>
          <p class="small" role="status">
            {t('phoneBook.count', { n: pickedCount() })}
          </p>
          <p class="muted small">{t('phoneBook.kept')}</p>
          <Show when={pickedCount() > 0}>
            <button
              type="button"
              class="btn btn-small btn-secondary"
              onClick={() => {
                const d = db()
                if (d) void forgetPicked(d)
              }}
            >
              {t('phoneBook.forget')}
            </button>
          </Show>
        </div>
      </Show>
    </section>
  )
}
