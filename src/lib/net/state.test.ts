import { describe, expect, it } from 'vitest'
import { initialNet, isNetworkError, type NetInput, type NetState, netStep } from './state.ts'

const run = (inputs: NetInput[], from: NetState = 'online') =>
  inputs.reduce((s: NetState, i) => netStep(s, i), from)

describe('network state (A6: say offline whenever the device is offline)', () => {
  it('a reload that believes navigator.onLine === true still goes offline on the first failed request', () => {
    expect(run(['failed'], initialNet(true))).toBe('offline')
  })
  it('a browser that knows it is offline starts offline', () => {
    expect(initialNet(false)).toBe('offline')
    expect(initialNet(undefined)).toBe('online')
  })
  it('the online event or a request that got through clears it', () => {
    expect(run(['failed', 'online'])).toBe('online')
    expect(run(['offline', 'reached'])).toBe('online')
  })
  it('the latest evidence wins', () => {
    expect(run(['reached', 'offline'])).toBe('offline')
    expect(run(['online', 'failed'])).toBe('offline')
  })
  it('only a network TypeError is evidence, not an abort or a coded API error', () => {
    expect(isNetworkError(new TypeError('Failed to fetch'))).toBe(true)
    expect(isNetworkError(new DOMException('aborted', 'AbortError'))).toBe(false)
    expect(isNetworkError(new Error('E_INTERNAL'))).toBe(false)
  })

  it("while the browser says offline, an answer (the service worker's, or one sent just before) is no proof of the network", () => {
    expect(netStep('offline', 'reached', false)).toBe('offline')
    expect(netStep('offline', 'reached', true)).toBe('online')
    expect(netStep('offline', 'online', false)).toBe('online')
    expect(netStep('online', 'failed', false)).toBe('offline')
  })
})
