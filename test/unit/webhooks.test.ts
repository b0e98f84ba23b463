/**
 * Webhooks as pure decisions (issue 21): signatures a Standard Webhooks
 * implementation Roster did not write verifies (and refuses when tampered,
 * wrong or stale), rotation, the retry schedule, and every address range
 * a delivery may never reach (SSRF).
 */
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import {
  afterAttempt,
  embeddedIpv4,
  failingTooLong,
  MAX_ATTEMPTS,
  newSecret,
  refusedAddress,
  refusedUrl,
  rotated,
  signatureHeader,
  signingSecrets,
} from '../../lib/domain/webhooks.ts';
import { EVENT_TYPES } from '../../lib/events/envelope.ts';
import { AUDIT_ACTIONS } from '../../web/src/console/audit/actions.ts';

const now = new Date('2026-03-01T09:00:00.000Z');
const body = JSON.stringify({ id: 'evt_1', type: 'member.invited', data: { n: 1 } });

function headers(secrets: string[], at = now, id = 'evt_1', payload = body) {
  const ts = Math.floor(at.getTime() / 1000);
  return {
    'webhook-id': id,
    'webhook-timestamp': String(ts),
    'webhook-signature': signatureHeader(secrets, id, ts, payload),
  };
}

describe('signatures (verified with the standardwebhooks package)', () => {
  it('a secret is whsec_ + base64 of 32 random bytes, fresh each time', () => {
    const a = newSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(a.slice(6), 'base64')).toHaveLength(32);
    expect(newSecret()).not.toBe(a);
  });

  it('verifies with the right secret; a tampered body, a wrong secret and a stale timestamp fail', () => {
    const secret = newSecret();
    const h = headers([secret], new Date());
    expect(new Webhook(secret).verify(body, h)).toEqual(JSON.parse(body));
    expect(() => new Webhook(secret).verify(body.replace('1}', '2}'), h)).toThrow(/signature/i);
    expect(() => new Webhook(newSecret()).verify(body, h)).toThrow(/signature/i);
    const stale = headers([secret], new Date(Date.now() - 10 * 60_000));
    expect(() => new Webhook(secret).verify(body, stale)).toThrow(/timestamp/i);
  });

  it('after a rotation both secrets sign for 24 h (two v1 signatures), then only the new one', () => {
    const old = newSecret();
    const fresh = newSecret();
    const secrets = rotated([{ secret: old, createdAt: '2026-02-01T00:00:00.000Z' }], fresh, now);
    const signing = signingSecrets(secrets, new Date(now.getTime() + 3_600_000));
    expect(signing).toEqual([fresh, old]);
    const h = headers(signing, new Date());
    expect(h['webhook-signature'].split(' ')).toHaveLength(2);
    expect(h['webhook-signature']).toMatch(/^v1,\S+ v1,\S+$/);
    expect(new Webhook(old).verify(body, h)).toBeTruthy();
    expect(new Webhook(fresh).verify(body, h)).toBeTruthy();
    expect(signingSecrets(secrets, new Date(now.getTime() + 24 * 3_600_000 + 1))).toEqual([fresh]);
    // A second rotation within 24 h keeps the first old secret's own end, and drops expired ones.
    const again = rotated(secrets, newSecret(), new Date(now.getTime() + 25 * 3_600_000));
    expect(again.map((s) => s.secret)).toEqual([again[0]?.secret, fresh]);
  });
});

describe('retry schedule', () => {
  const at = (attempt: number, result: Parameters<typeof afterAttempt>[1]) => afterAttempt(attempt, result, now);
  const later = (ms: number) => new Date(now.getTime() + ms).toISOString();

  it('immediately, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h; then failed', () => {
    const fail = { status: 500, durationMs: 1 };
    const waits = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000];
    waits.forEach((ms, i) => {
      expect(at(i + 1, fail)).toEqual({ status: 'pending', nextAttemptAt: later(ms), disableEndpoint: false });
    });
    expect(MAX_ATTEMPTS).toBe(8);
    expect(at(8, fail)).toEqual({ status: 'failed', nextAttemptAt: null, disableEndpoint: false });
  });

  it('2xx succeeds; 3xx, 4xx, 5xx, timeouts and connection errors are retried; 410 disables at once', () => {
    expect(at(1, { status: 204, durationMs: 1 }).status).toBe('succeeded');
    for (const status of [301, 302, 400, 404, 429, 500, 503])
      expect(at(1, { status, durationMs: 1 }).status).toBe('pending');
    expect(at(1, { error: 'no answer within 15 s', durationMs: 15_000 }).status).toBe('pending');
    expect(at(3, { status: 410, durationMs: 1 })).toEqual({
      status: 'failed',
      nextAttemptAt: null,
      disableEndpoint: true,
    });
  });

  it('an endpoint failing for 5 days is to be disabled', () => {
    expect(failingTooLong(undefined, now)).toBe(false);
    expect(failingTooLong(new Date(now.getTime() - 5 * 86_400_000 + 1).toISOString(), now)).toBe(false);
    expect(failingTooLong(new Date(now.getTime() - 5 * 86_400_000).toISOString(), now)).toBe(true);
  });
});

describe('SSRF: addresses a delivery never reaches', () => {
  const refused = [
    '0.0.0.0',
    '0.1.2.3',
    '10.0.0.1',
    '10.255.255.255',
    '100.64.0.1',
    '100.127.255.254',
    '127.0.0.1',
    '127.8.9.10',
    '169.254.169.254', // instance metadata
    '169.254.0.1',
    '172.16.0.1',
    '172.31.255.255',
    '192.0.0.8',
    '192.0.2.1',
    '192.168.1.1',
    '198.18.0.1',
    '198.51.100.7',
    '203.0.113.9',
    '224.0.0.1',
    '239.255.255.250',
    '240.0.0.1',
    '255.255.255.255',
    '::',
    '::1',
    'fc00::1',
    'fd12:3456:789a::1',
    'fe80::1',
    'febf::1',
    'fec0::1',
    'ff02::1',
    '2001:db8::1',
    '100::1',
    '::ffff:127.0.0.1', // IPv4-mapped
    '::ffff:7f00:1',
    '::ffff:10.1.2.3',
    '::ffff:169.254.169.254',
    '::ffff:0:192.168.0.1',
    '::10.0.0.1', // IPv4-compatible (deprecated)
    '64:ff9b::a9fe:a9fe', // NAT64 of 169.254.169.254
    '64:ff9b::127.0.0.1',
    '2002:a9fe:a9fe::1', // 6to4 of 169.254.169.254
    '2002:c0a8:0101::', // 6to4 of 192.168.1.1
  ];
  it.each(refused)('refuses %s', (address) => {
    expect(refusedAddress(address)).toBeDefined();
  });

  const allowed = [
    '1.1.1.1',
    '8.8.8.8',
    '100.63.255.255',
    '100.128.0.1',
    '172.32.0.1',
    '169.253.1.1',
    '2606:4700:4700::1111',
    '2a00:1450::1',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
  ];
  it.each(allowed)('allows the public address %s', (address) => {
    expect(refusedAddress(address)).toBeUndefined();
  });

  it('finds the IPv4 address an IPv6 one embeds', () => {
    expect(embeddedIpv4('::ffff:7f00:1')).toBe('127.0.0.1');
    expect(embeddedIpv4('2002:a9fe:a9fe::')).toBe('169.254.169.254');
    expect(embeddedIpv4('2606:4700::1')).toBeUndefined();
  });

  it('in AWS a URL must be https with no credentials; locally http is allowed', () => {
    const aws = { allowPrivate: false };
    expect(refusedUrl('http://hooks.example.com/x', aws)).toMatch(/https/);
    expect(refusedUrl('ftp://hooks.example.com/x', aws)).toMatch(/https/);
    expect(refusedUrl('https://user:pw@hooks.example.com/x', aws)).toMatch(/password/);
    expect(refusedUrl('not a url', aws)).toMatch(/absolute/);
    expect(refusedUrl('https://hooks.example.com/x', aws)).toBeUndefined();
    expect(refusedUrl('http://127.0.0.1:8080/x', { allowPrivate: true })).toBeUndefined();
  });
});

describe('event types', () => {
  it('are exactly the audit actions Roster writes', () => {
    expect([...EVENT_TYPES].sort()).toEqual(Object.keys(AUDIT_ACTIONS).sort());
  });
});
