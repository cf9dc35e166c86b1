import { describe, expect, it } from 'vitest'
import { fixInfiniteDuration, type MediaLike } from './audioDuration.ts'

class FakeAudio extends EventTarget implements MediaLike {
  duration = Number.POSITIVE_INFINITY
  seeks: number[] = []
  #t = 0
  get currentTime() {
    return this.#t
  }
  set currentTime(v: number) {
    this.seeks.push(v)
    this.#t = v
  }
  fire(type: string) {
    this.dispatchEvent(new Event(type))
  }
}

describe('C8 recording length', () => {
  it('an Infinity duration: seek far, learn the real length, back to 0', () => {
    const a = new FakeAudio()
    fixInfiniteDuration(a)
    a.fire('loadedmetadata')
    expect(a.seeks).toEqual([1e101])
    a.fire('timeupdate') // still Infinity: keep waiting
    expect(a.seeks).toEqual([1e101])
    a.duration = 12.3
    a.fire('durationchange')
    expect(a.seeks).toEqual([1e101, 0])
    a.fire('timeupdate')
    expect(a.seeks).toEqual([1e101, 0])
  })
  it('a known duration is left alone', () => {
    const a = new FakeAudio()
    a.duration = 5
    fixInfiniteDuration(a)
    a.fire('loadedmetadata')
    expect(a.seeks).toEqual([])
  })
})
