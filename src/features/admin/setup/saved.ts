/** An admin setup change: "Saved" when it went through, the server's error when not; true when saved. */
import { errorText } from '../../../lib/api/index.ts'
import { t } from '../../../lib/i18n/index.ts'
import { toast } from '../../../lib/ui/index.ts'

export async function saved(what: () => Promise<unknown>): Promise<boolean> {
  try {
    await what()
    toast(t('setup.saved'))
    return true
  } catch (e) {
    toast(errorText(e), 'error')
    return false
  }
}
