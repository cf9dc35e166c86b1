import { describe, expect, it } from 'vitest'
import type { CallView } from '../../../contract/calls.ts'
import { callReducer, newCall } from '../../lib/phone/state.ts'
import { clock } from './callerInfo.ts'
import { callMatches, inScope } from './data.ts'
import { pickCalls } from './pick.ts'
import { uploadOutcome, uploadType } from './recordings.ts'
import { givenNumber } from './search.ts'

const view = (p: Partial<CallView>): CallView => ({
  id: 'c1',
  sipCallId: 's1',
  direction: 'in',
  state: 'ended',
  fromNumber: '+79161234567',
  toNumber: '+74950000000',
  peerNumber: '+79161234567',
  peerGiven: false,
  virtualNumber: '+74950000000',
  callerEmployeeId: null,
  answeredById: 'me',
  answeredByName: 'Anna',
  groupId: null,
  groupName: null,
  contactId: 'k1',
  contactName: 'Ivan Petrov',
  transferOfId: null,
  startedAt: '2025-01-01T10:00:00Z',
  answeredAt: null,
  endedAt: null,
  durationSec: null,
  failureCode: null,
  failureReason: null,
  missed: false,
  handledById: null,
  handledByName: null,
  handledAt: null,
  handledHow: null,
  hasRecording: false,
  ...p,
})

describe('C8 search', () => {
  it('matches digits in any number, formatted or not', () => {
    expect(callMatches(view({}), '916 123')).toBe(true)
    expect(callMatches(view({}), '+7 (916) 123-45')).toBe(true)
    expect(callMatches(view({}), '4950000')).toBe(true)
    expect(callMatches(view({}), '555')).toBe(false)
  })
  it('matches the contact name, case-insensitively', () => {
    expect(callMatches(view({}), 'petrov')).toBe(true)
    expect(callMatches(view({}), 'sidorov')).toBe(false)
    expect(callMatches(view({}), '')).toBe(true)
  })
})

describe('sections', () => {
  it('C10 mine = answered or placed by me; C9 missed = unhandled missed only', () => {
    expect(inScope(view({}), 'mine', 'me')).toBe(true)
    expect(inScope(view({ answeredById: 'x' }), 'mine', 'me')).toBe(false)
    expect(inScope(view({ answeredById: null, callerEmployeeId: 'me' }), 'mine', 'me')).toBe(true)
    expect(inScope(view({ answeredById: 'x' }), 'all', 'me')).toBe(true)
    expect(inScope(view({ missed: true }), 'missed', 'me')).toBe(true)
    expect(inScope(view({ missed: true, handledAt: '2025-01-01T11:00:00Z' }), 'missed', 'me')).toBe(false)
    expect(inScope(view({}), 'missed', 'me')).toBe(false)
  })
})

describe('recording upload', () => {
  it('sends the base type the server accepts', () => {
    expect(uploadType('audio/webm;codecs=opus')).toBe('audio/webm')
    expect(uploadType('audio/ogg; codecs=opus')).toBe('audio/ogg')
    expect(uploadType('')).toBe('audio/webm')
  })
  it('retries what may succeed later, keeps what never will', () => {
    const kind = (status: number) => uploadOutcome(status).kind
    expect(kind(200)).toBe('sent')
    expect(kind(0)).toBe('retry')
    expect(kind(404)).toBe('retry')
    expect(kind(503)).toBe('retry')
    expect(kind(413)).toBe('refused')
    expect(kind(400)).toBe('refused')
    expect(kind(403)).toBe('refused')
    expect(kind(401)).toBe('retry')
  })
})

describe('C6 call screen', () => {
  const call = (id: string, at: number) =>
    callReducer(callReducer(newCall(id, 'outgoing', id), { type: 'dial', at }), { type: 'answered', at })
  it('the older live call is the client, the newer the consultation', () => {
    const client = callReducer(call('a', 1), { type: 'hold' })
    const colleague = call('b', 2)
    expect(pickCalls([colleague, client])).toMatchObject({ main: { id: 'a' }, consult: { id: 'b' } })
  })
  it('a consultation that ended still shows while the client waits on hold', () => {
    const client = callReducer(call('a', 1), { type: 'hold' })
    const gone = callReducer(call('b', 2), {
      type: 'ended',
      at: 3,
      cause: { kind: 'no_answer', code: 408, reason: '' },
    })
    expect(pickCalls([client, gone])).toMatchObject({ main: { id: 'a' }, consult: { id: 'b' } })
    expect(pickCalls([callReducer(client, { type: 'unhold' }), gone]).consult).toBeUndefined()
  })
  it('only ended calls: the latest one shows its outcome', () => {
    const end = (id: string, at: number) =>
      callReducer(call(id, at), {
        type: 'ended',
        at: at + 1,
        cause: { kind: 'local_hangup', code: null, reason: '' },
      })
    expect(pickCalls([end('a', 1), end('b', 5)]).main?.id).toBe('b')
  })
  it('an offered call that ended unanswered never becomes a call screen (C1)', () => {
    const offered = callReducer(newCall('x', 'incoming', '+7900'), { type: 'invite', at: 1 })
    const cancelled = callReducer(offered, {
      type: 'ended',
      at: 2,
      cause: { kind: 'cancelled', code: 487, reason: '' },
    })
    expect(pickCalls([cancelled]).main).toBeUndefined()
  })
  it('formats the timer', () => {
    expect(clock(0, 65_000)).toBe('1:05')
    expect(clock(0, 3_725_000)).toBe('1:02:05')
  })
})

describe('issue 6 §4: a number a site visitor typed', () => {
  it('is shown as given by the visitor; a number from the network as it is — both formatted one way (C8)', () => {
    const guest = view({ peerGiven: true, contactId: null, contactName: null })
    expect(givenNumber(guest, '+79161234567')).toMatch(
      /^\+7 916 123[ -]45[ -]67 \((given by visitor|со слов посетителя)\)$/,
    )
    expect(givenNumber(view({}), '+79161234567')).toMatch(/^\+7 916 123[ -]45[ -]67$/)
    // Another number of the same call (the virtual number dialled) is not the visitor's word.
    expect(givenNumber(guest, '+74951204560')).toMatch(/^\+7 495 120[ -]45[ -]60$/)
    // An extension stays as it is.
    expect(givenNumber(view({}), '101')).toBe('101')
  })
  it('a site caller who gave no number reads as a website visitor, never his SIP user name', () => {
    const shown = givenNumber(view({ peerNumber: 'guest-2bc9b8944829' }), 'guest-2bc9b8944829')
    expect(shown).toMatch(/^(Website visitor|Посетитель сайта)$/)
  })
})
