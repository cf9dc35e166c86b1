import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from './config.ts'

describe('config', () => {
  it('has the documented defaults', () => {
    expect(loadConfig({})).toEqual({
      port: 8080,
      host: '127.0.0.1',
      dataDir: path.resolve('./data'),
      databaseUrl: null,
      sipWsPort: 8088,
      sipWsUrl: 'ws://127.0.0.1:8088',
      kamailio: 'kamailio',
      reconcile: { intervalMs: 30_000, graceMs: 15_000 },
      seedDemo: true,
      demoPassword: null,
      logLevel: 'info',
      trustedProxy: [],
      smtpPort: 2525,
      smtpRelayUrl: null,
      sipKeepaliveSec: 30,
    })
  })

  it('SMTP_PORT and SMTP_RELAY_URL (the e-mail channel): a port (0 = any free one) and an smtp(s):// URL', () => {
    expect(loadConfig({ SMTP_PORT: '0', SMTP_RELAY_URL: 'smtp://relay.example:587' })).toMatchObject({
      smtpPort: 0,
      smtpRelayUrl: 'smtp://relay.example:587',
    })
    expect(() => loadConfig({ SMTP_PORT: '70000' })).toThrow(/SMTP_PORT/)
    for (const bad of ['http://relay.example', 'smtp://a b', 'relay.example:25'])
      expect(() => loadConfig({ SMTP_RELAY_URL: bad }), bad).toThrow(/SMTP_RELAY_URL/)
  })

  it('TRUSTED_PROXY: addresses and CIDRs, anything else refused', () => {
    expect(loadConfig({ TRUSTED_PROXY: '127.0.0.2, 10.0.0.0/8,::1,fd00::/8' }).trustedProxy).toEqual([
      '127.0.0.2',
      '10.0.0.0/8',
      '::1',
      'fd00::/8',
    ])
    for (const bad of ['example.com', '10.0.0.0/33', '1.2.3.4/8/1', '127.0.0.1"; drop', '::1/129']) {
      expect(() => loadConfig({ TRUSTED_PROXY: bad }), bad).toThrow(/TRUSTED_PROXY/)
    }
  })

  it('reads every variable', () => {
    const c = loadConfig({
      PORT: '9000',
      HOST: '0.0.0.0',
      DATA_DIR: '/tmp/x',
      DATABASE_URL: 'postgres://u@h/db',
      SIP_WS_PORT: '5080',
      SIP_WS_URL: 'wss://sip.example.com/ws',
      KAMAILIO: 'off',
      SEED_DEMO: '0',
      DEMO_PASSWORD: 'secret-1',
      LOG_LEVEL: 'warn',
    })
    expect(c).toMatchObject({
      port: 9000,
      host: '0.0.0.0',
      dataDir: '/tmp/x',
      sipWsUrl: 'wss://sip.example.com/ws',
      seedDemo: false,
    })
    expect(loadConfig({ SIP_WS_PORT: '5080' }).sipWsUrl).toBe('ws://127.0.0.1:5080')
    expect(loadConfig({ CALL_RECONCILE_MS: '200', CALL_RECONCILE_GRACE_MS: '0' }).reconcile).toEqual({
      intervalMs: 200,
      graceMs: 0,
    })
    expect(() => loadConfig({ CALL_RECONCILE_MS: 'often' })).toThrow(/CALL_RECONCILE_MS/)
  })

  it('SIP_KEEPALIVE_SEC: 30 by default, 0 (off) or 30–3600, anything else refused', () => {
    expect(loadConfig({}).sipKeepaliveSec).toBe(30)
    expect(loadConfig({ SIP_KEEPALIVE_SEC: '0' }).sipKeepaliveSec).toBe(0)
    expect(loadConfig({ SIP_KEEPALIVE_SEC: '60' }).sipKeepaliveSec).toBe(60)
    for (const bad of ['10', '29', '3601', '-1', '1.5', 'x', '30s']) {
      expect(() => loadConfig({ SIP_KEEPALIVE_SEC: bad }), bad).toThrow(/SIP_KEEPALIVE_SEC/)
    }
  })

  it('lists every bad value in one clear error', () => {
    const bad = () =>
      loadConfig({
        PORT: '99999',
        SIP_WS_URL: 'http://x',
        LOG_LEVEL: 'loud',
        DATABASE_URL: 'mysql://x',
        SEED_DEMO: 'yes',
      })
    expect(bad).toThrow(ConfigError)
    expect(bad).toThrow(/PORT[\s\S]*DATABASE_URL[\s\S]*SIP_WS_URL[\s\S]*SEED_DEMO[\s\S]*LOG_LEVEL/)
  })
})
