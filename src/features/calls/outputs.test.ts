/** Probe 12 UI #14: one speaker and Chrome's aliases of it are not a choice of outputs. */
import { describe, expect, it } from 'vitest'
import { realOutputs } from './outputs.ts'

const dev = (deviceId: string) => ({ deviceId })

describe('realOutputs', () => {
  it('drops Chrome’s "default" and "communications" aliases', () => {
    expect(realOutputs([dev('default'), dev('communications'), dev('a1')])).toEqual([dev('a1')])
  })
  it('keeps every real device (a headset beside the speaker is a choice)', () => {
    expect(realOutputs([dev('default'), dev('a1'), dev('b2')])).toHaveLength(2)
  })
  it('an unlabelled list before permission (empty ids) is no choice', () => {
    expect(realOutputs([dev(''), dev('')])).toEqual([])
  })
})
