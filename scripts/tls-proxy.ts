/**
 * A real TLS reverse proxy for tests: Debian's nginx in the foreground (a child of the test, its own
 * config, pid, log and temp paths in a temp dir, a free loopback port), terminating TLS with a
 * self-signed certificate made here by openssl, for HTTP (→ the server) and the SIP WebSocket
 * (→ Kamailio), the way docs/architecture.md deploys Frontline. It connects upstream from its own
 * loopback address (`bind`, default 127.0.0.2), so the upstream can tell proxied connections from
 * direct ones, and sends X-Real-IP / X-Forwarded-For like a typical production config.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { freePort } from './harness.ts'

export interface TlsProxyOptions {
  /** Upstream HTTP server port on 127.0.0.1 (location /). */
  httpPort?: number
  /** Upstream Kamailio WebSocket port on 127.0.0.1 (location /sip). */
  sipPort?: number
  /** Local address nginx connects upstream from (a loopback address: 127.0.0.0/8). */
  bind?: string
  /** nginx binary; default env NGINX or /usr/sbin/nginx. */
  binary?: string
}

export interface TlsProxy {
  /** The proxy's port on 127.0.0.1 (https:// and wss://). */
  port: number
  /** The self-signed certificate (PEM): pass as `ca` to trust it. */
  ca: string
  /** The address upstreams see as the source of proxied connections. */
  bind: string
  /** nginx's error log so far (for failure messages). */
  log(): Promise<string>
  stop(): Promise<void>
}

export function findNginx(binary = process.env.NGINX || '/usr/sbin/nginx'): string | null {
  return existsSync(binary) ? binary : null
}

function location(prefix: string, port: number, bind: string): string {
  return `
    location ${prefix} {
      proxy_pass http://127.0.0.1:${port};
      proxy_bind ${bind};
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_set_header Host $host;
      proxy_set_header X-Real-IP $remote_addr;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto https;
      proxy_read_timeout 3600s;
      proxy_buffering off;
    }`
}

async function waitListening(port: number, child: ChildProcess, log: () => Promise<string>): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`nginx exited (${child.exitCode}):\n${await log()}`)
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1')
      s.once('connect', () => {
        s.destroy()
        resolve(true)
      })
      s.once('error', () => resolve(false))
    })
    if (ok) return
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`nginx did not listen on 127.0.0.1:${port}:\n${await log()}`)
}

/** Starts nginx; stop() ends it and removes its directory. */
export async function startTlsProxy(o: TlsProxyOptions): Promise<TlsProxy> {
  const binary = findNginx(o.binary)
  if (!binary) throw new Error('nginx is not installed: run `node scripts/bootstrap.mjs --test` as root')
  const bind = o.bind ?? '127.0.0.2'
  const dir = await mkdtemp(path.join(tmpdir(), 'frontline-nginx-'))
  await mkdir(path.join(dir, 'tmp'))
  const cert = path.join(dir, 'cert.pem')
  const key = path.join(dir, 'key.pem')
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1'].concat([
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ]),
    { stdio: 'ignore' },
  )
  const port = await freePort()
  const errorLog = path.join(dir, 'error.log')
  const t = path.join(dir, 'tmp')
  const conf = `
daemon off;
master_process off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${errorLog} warn;
events { worker_connections 512; }
http {
  access_log off;
  client_body_temp_path ${t}/body;
  proxy_temp_path ${t}/proxy;
  fastcgi_temp_path ${t}/fastcgi;
  uwsgi_temp_path ${t}/uwsgi;
  scgi_temp_path ${t}/scgi;
  map $http_upgrade $connection_upgrade { default upgrade; '' close; }
  server {
    listen 127.0.0.1:${port} ssl;
    ssl_certificate ${cert};
    ssl_certificate_key ${key};
    ${o.sipPort ? location('/sip', o.sipPort, bind) : ''}
    ${o.httpPort ? location('/', o.httpPort, bind) : ''}
  }
}
`
  const confFile = path.join(dir, 'nginx.conf')
  await writeFile(confFile, conf)
  const child = spawn(binary, ['-p', dir, '-c', confFile, '-e', errorLog], { stdio: 'ignore' })
  const log = () => readFile(errorLog, 'utf8').catch(() => '')
  const exited = new Promise<void>((r) => child.once('exit', () => r()))
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM')
      await exited
    }
    await rm(dir, { recursive: true, force: true })
  }
  try {
    await waitListening(port, child, log)
  } catch (e) {
    await stop()
    throw e
  }
  return { port, ca: await readFile(cert, 'utf8'), bind, log, stop }
}
