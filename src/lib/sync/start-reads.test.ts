import { describe, expect, it } from 'vitest'
import { createStartReads } from './start-reads.ts'

const counter = () => {
  let n = 0
  return {
    run: () => Promise.resolve(++n),
    get n() {
      return n
    },
  }
}

describe('start reads (issue 11 item 8: one read per snapshot at start)', () => {
  it('shares one read of a key among callers while the start lasts, in flight and done', async () => {
    const r = createStartReads(false)
    const c = counter()
    const a = r.read('contacts', c.run)
    const b = r.read('contacts', c.run)
    expect(await a).toBe(1)
    expect(await b).toBe(1)
    expect(await r.read('contacts', c.run)).toBe(1)
    expect(c.n).toBe(1)
    expect(await r.read('statuses', c.run)).toBe(2)
  })

  it('a first start holds the reads until the resume point, then reads each once', async () => {
    const r = createStartReads(true)
    const c = counter()
    const a = r.read('chats:new', c.run)
    await Promise.resolve()
    expect(c.n).toBe(0)
    r.reset() // the link's first reset is the resume point itself
    const b = r.read('chats:new', c.run)
    expect(await a).toBe(1)
    expect(await b).toBe(1)
    expect(c.n).toBe(1)
  })

  it('`until` holds the reads as well (the first screen paints before the network is asked)', async () => {
    let painted: () => void = () => undefined
    const r = createStartReads(false, new Promise<void>((ok) => (painted = ok)))
    const c = counter()
    const a = r.read('contacts', c.run)
    await Promise.resolve()
    await Promise.resolve()
    expect(c.n).toBe(0)
    painted()
    expect(await a).toBe(1)
    expect(await r.read('contacts', c.run)).toBe(1)
  })

  it('a later reset reads again; after the start every read is its own', async () => {
    const r = createStartReads(false)
    const c = counter()
    await r.read('contacts', c.run)
    r.reset()
    expect(await r.read('contacts', c.run)).toBe(2)
    r.end()
    expect(r.active).toBe(false)
    expect(await r.read('contacts', c.run)).toBe(3)
    expect(await r.read('contacts', c.run)).toBe(4)
  })

  it('a failed read is not shared: the next caller tries again', async () => {
    const r = createStartReads(false)
    await expect(r.read('leads', () => Promise.reject(new Error('offline')))).rejects.toThrow('offline')
    expect(await r.read('leads', () => Promise.resolve('ok'))).toBe('ok')
  })
})
