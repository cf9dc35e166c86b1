/** Kamailio's reports read at the edge: the calls domain gets plain values, never a SIP URI. */
import { describe, expect, it } from 'vitest'
import type { SipDialogBody, SipReferBody, SipRouteBody } from '../../contract/calls.ts'
import { readDialogReport, readReferReport, readRouteRequest, sourceAddress } from './reports.ts'

const invite = (over: Partial<SipRouteBody> = {}): SipRouteBody => ({
  callId: 'c1',
  from: '"+7 916 555-44-33" <sip:guest-ab12@demo.frontline.local>;tag=x',
  fromName: '"+7 916 555-44-33"',
  to: 'sip:+74951204560@demo.frontline.local',
  ruri: 'sip:+74951204560@Demo.Frontline.Local',
  domain: 'demo.frontline.local',
  source: '198.51.100.7:5060',
  referredBy: '',
  replaces: '',
  conn: 'c7',
  ...over,
})

describe('readRouteRequest', () => {
  it('a plain INVITE: caller, dialled user, the unquoted display name, the source address', () => {
    expect(readRouteRequest(invite())).toEqual({
      callId: 'c1',
      domain: 'demo.frontline.local',
      from: { user: 'guest-ab12', domain: 'demo.frontline.local' },
      fromName: '+7 916 555-44-33',
      dialled: '+74951204560',
      toDevice: false,
      to: { user: '+74951204560', domain: 'demo.frontline.local' },
      referredBy: null,
      replaces: undefined,
      sourceAddress: '198.51.100.7',
      conn: 'c7',
      attempt: undefined,
      lastCode: undefined,
    })
  })

  it('a From or R-URI that is not a SIP URI: nothing to route (the edge answers 400)', () => {
    expect(readRouteRequest(invite({ from: 'tel:+74951204560' }))).toBeNull()
    expect(readRouteRequest(invite({ ruri: 'nonsense' }))).toBeNull()
  })

  it("transfer legs: Referred-By's line, Replaces' Call-ID (null when unreadable), a contact R-URI", () => {
    const r = readRouteRequest(
      invite({
        ruri: 'sip:x7@10.0.0.5:5060;alias=10.0.0.5~5060~2',
        referredBy: '<sip:101@demo.frontline.local>',
        replaces: 'abc@host;to-tag=1;from-tag=2',
      }),
    )
    expect(r).toMatchObject({
      toDevice: true,
      referredBy: { user: '101', domain: 'demo.frontline.local' },
      replaces: { callId: 'abc@host' },
    })
    expect(readRouteRequest(invite({ replaces: ' ;to-tag=1' }))?.replaces).toEqual({ callId: null })
    expect(readRouteRequest(invite({ referredBy: 'garbage' }))?.referredBy).toBeNull()
  })

  it('the failure_route asking again keeps its attempt and last code', () => {
    expect(readRouteRequest(invite({ attempt: 1, lastCode: 408 }))).toMatchObject({
      attempt: 1,
      lastCode: 408,
    })
  })
})

describe('readDialogReport', () => {
  it('reads From, To and who answered as lines; unreadable ones are null', () => {
    const body: SipDialogBody = {
      event: 'answer',
      callId: 'c1',
      from: 'sip:101@demo.frontline.local',
      to: '',
      answeredBy: '<sip:102@demo.frontline.local>;tag=y',
      reason: '',
      ts: 1,
    }
    expect(readDialogReport(body)).toEqual({
      event: 'answer',
      callId: 'c1',
      from: { user: '101', domain: 'demo.frontline.local' },
      to: null,
      answeredBy: { user: '102', domain: 'demo.frontline.local' },
      code: undefined,
    })
  })
})

describe('sourceAddress', () => {
  it('reads Kamailio\'s "$si:$sp"', () => {
    expect(sourceAddress('198.51.100.7:5060')).toBe('198.51.100.7')
    expect(sourceAddress('[2001:db8::1]:5060')).toBe('2001:db8::1')
    expect(sourceAddress('2001:db8::1:5060')).toBe('2001:db8::1')
    expect(sourceAddress('')).toBe('')
  })
})

describe('readReferReport', () => {
  const refer = (over: Partial<SipReferBody> = {}): SipReferBody => ({
    callId: 'c1',
    dialogFrom: 'sip:guest-ab12@demo.frontline.local',
    referTo: '<sip:102@demo.frontline.local>',
    side: 'callee',
    transferee: 'c5',
    ...over,
  })

  it('a blind REFER: the tenant of the call, the target line, who is referred', () => {
    expect(readReferReport(refer())).toEqual({
      callId: 'c1',
      domain: 'demo.frontline.local',
      target: { user: '102', domain: 'demo.frontline.local' },
      replaces: false,
      side: 'callee',
      transfereeConn: 'c5',
    })
    expect(readReferReport(refer({ referTo: 'sip:+79161234567@Other.Frontline.Local' }))?.target).toEqual({
      user: '+79161234567',
      domain: 'other.frontline.local',
    })
  })

  it('an attended REFER (Replaces in the Refer-To URI, RFC 3891 §7); garbage has no target', () => {
    const r = readReferReport(
      refer({ referTo: '<sip:x@y.invalid;transport=ws?Replaces=abc%40h%3Bto-tag%3D1%3Bfrom-tag%3D2>' }),
    )
    expect(r?.replaces).toBe(true)
    expect(readReferReport(refer({ referTo: 'garbage' }))?.target).toBeNull()
    expect(readReferReport(refer({ dialogFrom: 'sip:nobody@' }))).toBeNull()
  })
})
