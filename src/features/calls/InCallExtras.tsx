/**
 * Probe 12 UI #14: what the in-call screen keeps behind its controls — the Insider of a site visitor
 * (the incoming screen had it; mid-call is when it helps) in a sheet, and the audio-output choice
 * behind the speaker, offered only when the device has more than one real output.
 */
import { createResource, createSignal, For, onMount } from 'solid-js'
import { t } from '../../lib/i18n/index.ts'
import { CallInsider, callHasInsider } from '../insider/index.ts'
import { act } from './actions.ts'
import { realOutputs } from './outputs.ts'
import { phoneLib, requirePhone } from './phone.ts'

/** Can the browser route a call's audio to a chosen output (setSinkId)? */
export const sinkSupported =
  typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype

/** Whether the call has a site visitor behind it (the server's Insider of the call; false while unknown). */
export function createHasInsider(sipCallId: () => string | null | undefined): () => boolean {
  const [has] = createResource(
    () => sipCallId() || false,
    (id) => callHasInsider(id),
  )
  return () => has.latest === true
}

/** The device's real audio outputs (none where the browser cannot route audio). */
export function createOutputs(): () => MediaDeviceInfo[] {
  const [devices, setDevices] = createSignal<MediaDeviceInfo[]>([])
  onMount(() => {
    if (!sinkSupported) return
    void phoneLib()
      ?.listOutputDevices()
      .then((l) => setDevices(realOutputs(l)))
      .catch(() => undefined)
  })
  return devices
}

/** The Insider of the call in a sheet over the call screen. */
export function InsiderSheet(props: { sipCallId: string; onClose: () => void }) {
  let dialog: HTMLDivElement | undefined
  onMount(() => dialog?.focus())
  return (
    <div
      class="sheet insider-sheet"
      role="dialog"
      aria-modal="true"
      aria-labelledby="incall-insider-title"
      tabindex="-1"
      ref={dialog}
      onKeyDown={(e) => e.key === 'Escape' && props.onClose()}
    >
      <div class="sheet-head">
        {/* The panel's own "Insider" heading is visible under it: the sheet's title is for the reader. */}
        <h2 id="incall-insider-title" class="visually-hidden">
          {t('incall.insiderTitle')}
        </h2>
        <button type="button" class="btn btn-ghost btn-small" onClick={() => props.onClose()}>
          {t('incall.insiderClose')}
        </button>
      </div>
      <div class="sheet-body">
        <CallInsider sipCallId={props.sipCallId} />
      </div>
    </div>
  )
}

/** C4 speaker: choose the audio output of the call among the real ones. */
export function OutputPicker(props: { callId: string; devices: MediaDeviceInfo[] }) {
  const choose = (id: string) =>
    void act(async () => {
      const el = requirePhone().call(props.callId).playback
      const l = phoneLib()
      if (el && l) await l.setOutputDevice(el, id)
    })
  return (
    <label class="field output-field" data-testid="output-field">
      <span>{t('incall.output')}</span>
      <select onChange={(e) => choose(e.currentTarget.value)}>
        <For each={props.devices}>
          {(d, i) => (
            <option value={d.deviceId}>{d.label || `${t('incall.defaultOutput')} ${i() + 1}`}</option>
          )}
        </For>
      </select>
    </label>
  )
}
