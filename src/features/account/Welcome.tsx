/** SPEC A3: the first-run permission walk-through, shown once after the first login. */
import { useNavigate } from '@solidjs/router'
import { createSignal, Show } from 'solid-js'
import { t } from '../../lib/i18n/index.ts'
import { createPermissionStates, PERMISSIONS, stateLabel } from './permissions.ts'
import { settings, updateSettings } from './settings.ts'

/** Step-by-step permission requests with Allow / Skip. */
export default function Welcome() {
  const navigate = useNavigate()
  const perms = createPermissionStates()
  const [i, setI] = createSignal(0)
  const step = () => PERMISSIONS[i()]

  const finish = async () => {
    await updateSettings({ walkthroughDone: true })
    navigate(`/${settings().startPage}`, { replace: true })
  }
  const next = () => (i() + 1 >= PERMISSIONS.length ? void finish() : setI(i() + 1))
  const allow = async () => {
    const s = step()
    if (s) await perms.request(s.name)
    next()
  }

  return (
    <main class="login">
      <div class="login-card walk">
        <h1>{t('walk.title')}</h1>
        <p class="muted">{t('walk.intro')}</p>
        <Show when={step()}>
          {(s) => {
            const st = () => perms.states()[s().name]
            const askable = () => st() === 'prompt' || st() === 'available'
            return (
              <section class="walk-step" aria-live="polite">
                <p class="small muted">{t('walk.step', { n: i() + 1, total: PERMISSIONS.length })}</p>
                <h2>{t(s().label)}</h2>
                <p>{t(s().why)}</p>
                <p>
                  <span class={`pill pill-${st()}`}>{t(stateLabel(st()))}</span>
                </p>
                <div class="actions">
                  <Show
                    when={askable()}
                    fallback={
                      <button type="button" class="btn btn-primary" onClick={next}>
                        {i() + 1 >= PERMISSIONS.length ? t('walk.finish') : t('walk.done')}
                      </button>
                    }
                  >
                    <button type="button" class="btn btn-primary" onClick={() => void allow()}>
                      {t('walk.allow')}
                    </button>
                    <button type="button" class="btn btn-ghost" onClick={next}>
                      {t('walk.skip')}
                    </button>
                  </Show>
                </div>
              </section>
            )
          }}
        </Show>
      </div>
    </main>
  )
}
