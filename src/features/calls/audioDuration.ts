/**
 * C8: MediaRecorder WebM blobs carry no duration, so `audio.duration` is Infinity and the native
 * player shows 0:00 with no seek bar. The standard fix: seek far past the end, let the browser find
 * the real end (durationchange/timeupdate), then go back to the start.
 */

/** The part of HTMLMediaElement this needs (a fake in tests). */
export interface MediaLike {
  duration: number
  currentTime: number
  addEventListener(type: string, fn: () => void): void
  removeEventListener(type: string, fn: () => void): void
}

/** Make the element show its real length; returns a function that stops listening. */
export function fixInfiniteDuration(el: MediaLike): () => void {
  let probing = false
  const settle = () => {
    if (!probing || !Number.isFinite(el.duration)) return
    probing = false
    el.removeEventListener('durationchange', settle)
    el.removeEventListener('timeupdate', settle)
    el.currentTime = 0
  }
  const onMeta = () => {
    if (Number.isFinite(el.duration) || probing) return
    probing = true
    el.addEventListener('durationchange', settle)
    el.addEventListener('timeupdate', settle)
    el.currentTime = 1e101
  }
  el.addEventListener('loadedmetadata', onMeta)
  return () => {
    probing = false
    el.removeEventListener('loadedmetadata', onMeta)
    el.removeEventListener('durationchange', settle)
    el.removeEventListener('timeupdate', settle)
  }
}
