/** SPEC A3: the first-run permission walk-through, shown once after the first login. */
import { useNavigate } from '@solidjs/router'
import { createSignal, onCleanup, Show } from 'solid-js'
import { t } from '../../lib/i18n/index.ts'
import { takeLanding } from './landing.ts'
import { createPermissionStates, PERMISSIONS, stateLabel } from './permissions.ts'
import { updateSettings } from './settings.ts'

/** Step-by-step permission requests with Allow / Skip. */
export default function Welcome() {
  const navigate = useNavigate()
  const perms = createPermissionStates()
  const [i, setI] = createSignal(0)
  const step = () => PERMISSIONS[i()]

  // A permission prompt can stay unanswered while the operator moves on (or leaves the screen):
  // a late answer must not advance another step or navigate from a screen that is gone.
  let alive = true
  onCleanup(() => {
    alive = false
  })
  let finished = false
  const finish = async () => {
    if (finished) return
    finished = true
    await updateSettings({ walkthroughDone: true })
    if (alive) navigate(takeLanding(), { replace: true })
  }
  const next = (from: number) => {
    if (!alive || i() !== from) return
    if (from + 1 >= PERMISSIONS.length) void finish()
    else setI(from + 1)
  }
  const allow = async () => {
    const from = i()
    const s = PERMISSIONS[from]
    if (s) await perms.request(s.name)
    next(from)
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
                {/* A3: a blocked permission says how to fix it (the app cannot ask again). */}
                <Show when={st() === 'denied'}>
                  <p class="notice">
                    {t(s().name === 'notifications' ? 'perm.notifications.fix' : 'perm.deniedHow')}
                  </p>
                </Show>
                <div class="actions">
                  <Show
                    when={askable()}
                    fallback={
                      <button type="button" class="btn btn-primary" onClick={() => next(i())}>
                        {i() + 1 >= PERMISSIONS.length ? t('walk.done') : t('walk.next')}
                      </button>
                    }
                  >
                    <button type="button" class="btn btn-primary" onClick={() => void allow()}>
                      {t('walk.allow')}
                    </button>
                    <button type="button" class="btn btn-ghost" onClick={() => next(i())}>
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
