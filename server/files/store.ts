/**
 * The file store (ARCHITECTURE: "files … in ./data/files by content hash"): `<root>/<tenant id>/<sha256>`,
 * one directory per tenant so no lookup can reach another tenant's bytes, whatever the hash.
 *
 * An upload streams through a guard (size limit, type by magic bytes, sha256) into
 * `<root>/<tenant>/tmp/<uuid>.part` with `stream.pipeline`, so an error on any side (client gone,
 * limit passed, disk full) is handled and the partial file is removed; on success the part is
 * fsynced and renamed into place atomically. The same bytes again are the same file (idempotent).
 */
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { finished, type Readable, Transform, type TransformCallback } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { AppError } from '../errors.ts'
import { type FileType, SNIFF_BYTES, sniff, TEXT_TYPE } from './types.ts'

const TENANT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const SHA256 = /^[0-9a-f]{64}$/

/** What an upload may be. */
export interface PutOptions {
  /** Accepted types; the first whose magic bytes the file starts with is its type. */
  types: readonly FileType[]
  maxBytes: number
  /** The request's Content-Length, when it has one: over the limit is refused before reading. */
  declaredLength?: number | undefined
}

/** A stored file. */
export interface StoredFile {
  sha256: string
  size: number
  type: FileType
}

/** Streams bytes through a fatal UTF-8 decoder: false at the first NUL or invalid sequence. */
class TextCheck {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true })
  push(chunk: Buffer): boolean {
    if (chunk.includes(0)) return false
    try {
      this.decoder.decode(chunk, { stream: true })
      return true
    } catch {
      return false
    }
  }
  end(): boolean {
    try {
      this.decoder.decode()
      return true
    } catch {
      return false
    }
  }
}

/** Counts, hashes and sniffs the bytes on their way to disk; fails as soon as they break a rule. */
class Guard extends Transform {
  size = 0
  type: FileType | null = null
  readonly hash = crypto.createHash('sha256')
  private head = Buffer.alloc(0)
  /** While text is allowed: whether every byte so far is UTF-8 without NUL (null once it is not). */
  private text: TextCheck | null
  constructor(private readonly opts: PutOptions) {
    super()
    this.text = opts.types.includes(TEXT_TYPE) ? new TextCheck() : null
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    cb(this.check(chunk), chunk)
  }

  private check(chunk: Buffer): AppError | null {
    this.size += chunk.length
    if (this.size > this.opts.maxBytes) return new AppError('E_FILE_TOO_LARGE')
    this.hash.update(chunk)
    if (this.text && !this.text.push(chunk)) this.text = null
    if (this.type === TEXT_TYPE && !this.text) return new AppError('E_FILE_TYPE')
    if (this.type === null && this.head.length < SNIFF_BYTES) {
      this.head = Buffer.concat([this.head, chunk.subarray(0, SNIFF_BYTES - this.head.length)])
      // Decide as soon as the head is complete: a wrong type is refused before the rest is read.
      if (this.head.length === SNIFF_BYTES && !this.decide()) return new AppError('E_FILE_TYPE')
    }
    return null
  }

  override _flush(cb: TransformCallback): void {
    const typed = this.type !== null || this.decide()
    // A text file must end on a whole UTF-8 sequence, like every byte before it.
    const whole = this.type !== TEXT_TYPE || (this.text?.end() ?? false)
    cb(typed && whole ? null : new AppError('E_FILE_TYPE'))
  }

  private decide(): boolean {
    this.type = sniff(this.head, this.opts.types)
    return this.type !== null
  }
}

/** Tenant-scoped, content-addressed file storage under one root directory. */
export class FileStore {
  readonly root: string
  constructor(root: string) {
    this.root = path.resolve(root)
  }

  /** The tenant's directory; E_NOT_FOUND for anything that is not a tenant id. */
  private dir(tenantId: string): string {
    if (!TENANT_ID.test(tenantId)) throw new AppError('E_NOT_FOUND')
    const dir = path.join(this.root, tenantId)
    // Belt and braces: the pattern already rules out separators and dots.
    if (path.dirname(dir) !== this.root) throw new AppError('E_NOT_FOUND')
    return dir
  }

  /** Where a tenant's file with this hash lives (it may not exist); E_NOT_FOUND for a bad id or hash. */
  pathOf(tenantId: string, sha256: string): string {
    if (!SHA256.test(sha256)) throw new AppError('E_NOT_FOUND')
    return path.join(this.dir(tenantId), sha256)
  }

  /** The tenant's file with this hash and its size, or null when there is none. */
  async stat(tenantId: string, sha256: string): Promise<{ path: string; size: number } | null> {
    // Recordings stored before the per-tenant layout sit flat in the root; the caller found the
    // hash in a tenant-scoped row, so reading them there leaks nothing.
    for (const file of [this.pathOf(tenantId, sha256), path.join(this.root, sha256)]) {
      const st = await fs.promises.stat(file).catch(() => null)
      if (st?.isFile()) return { path: file, size: st.size }
    }
    return null
  }

  /**
   * Streams `body` into the tenant's store. E_FILE_TOO_LARGE past `maxBytes` (or a declared length
   * over it, before anything is read), E_FILE_TYPE when the head matches none of `types`. On any
   * failure nothing is left on disk, and `body` is left paused, not destroyed: the caller decides
   * whether the connection can still carry an answer.
   */
  async put(tenantId: string, body: Readable, opts: PutOptions): Promise<StoredFile> {
    if (opts.declaredLength !== undefined && opts.declaredLength > opts.maxBytes) {
      throw new AppError('E_FILE_TOO_LARGE')
    }
    const dir = this.dir(tenantId)
    const guard = new Guard(opts)
    // pipe(), not pipeline(), from the body: pipeline would destroy it on error, and destroying an
    // HTTP request resets the connection before the refusal is sent. The body's failures (watched
    // from the start, so none goes unhandled) reach the guard, and through it the pipeline.
    guard.on('error', () => {}) // until pipeline() below takes over its errors
    finished(body, (err) => {
      if (err) guard.destroy(err)
    })
    await fs.promises.mkdir(path.join(dir, 'tmp'), { recursive: true, mode: 0o700 })
    const part = path.join(dir, 'tmp', `${crypto.randomUUID()}.part`)
    const out = fs.createWriteStream(part, { flags: 'wx', mode: 0o600, flush: true })
    body.pipe(guard)
    try {
      await pipeline(guard, out)
    } catch (e) {
      body.unpipe(guard)
      // The part is removed only once the file stream is closed: an open still in flight would
      // otherwise create it again after the unlink.
      if (!out.closed) await new Promise((r) => out.once('close', r))
      await fs.promises.rm(part, { force: true })
      throw e
    }
    const sha256 = guard.hash.digest('hex')
    const final = path.join(dir, sha256)
    // rename() replaces atomically: a concurrent upload of the same bytes ends with the same file.
    await fs.promises.rename(part, final)
    await syncDir(dir)
    return { sha256, size: guard.size, type: guard.type as FileType }
  }

  /** Removes a tenant's stored file (the caller checked nothing names its hash any more). */
  async remove(tenantId: string, sha256: string): Promise<void> {
    await fs.promises.rm(this.pathOf(tenantId, sha256), { force: true })
  }

  /**
   * Removes part files older than `olderThanMs` (an upload cut short by kill -9 or a power loss).
   * Age, not "all": another instance on the same directory may be writing one right now.
   */
  async sweepParts(olderThanMs = 60 * 60 * 1000, now = Date.now()): Promise<number> {
    const tenants = await fs.promises.readdir(this.root).catch(() => [] as string[])
    let removed = 0
    for (const tenant of tenants.filter((t) => TENANT_ID.test(t))) {
      const tmp = path.join(this.root, tenant, 'tmp')
      for (const name of await fs.promises.readdir(tmp).catch(() => [] as string[])) {
        if (!name.endsWith('.part')) continue
        const file = path.join(tmp, name)
        const st = await fs.promises.stat(file).catch(() => null)
        if (st && now - st.mtimeMs > olderThanMs) {
          await fs.promises.rm(file, { force: true })
          removed += 1
        }
      }
    }
    return removed
  }
}

/** fsync a directory so a rename in it survives a crash (best effort: not every platform allows it). */
async function syncDir(dir: string): Promise<void> {
  const h = await fs.promises.open(dir, 'r').catch(() => null)
  if (!h) return
  try {
    await h.sync()
  } catch {
    // Some file systems refuse fsync on a directory; the rename itself is still atomic.
  } finally {
    await h.close()
  }
}
