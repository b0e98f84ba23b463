/**
 * Webhooks as pure decisions (DESIGN §1 "Events to other systems"): the
 * secrets and the Standard Webhooks signature, the retry schedule, what a
 * response means for a delivery and its endpoint, and which addresses a
 * delivery may never reach (SSRF). The stores and the sender only apply them.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { BlockList, isIP } from 'node:net';

/** `whsec_` + base64 of 32 random bytes (Standard Webhooks: the key is the base64-decoded part). */
export function newSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** `v1,<base64 HMAC-SHA256 over "id.timestamp.body">` with the secret's key. */
export function signature(secret: string, id: string, timestampSeconds: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const mac = createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`).digest('base64');
  return `v1,${mac}`;
}

/** A secret an endpoint signs with; a rotated-out one keeps signing until `expiresAt`. */
export interface EndpointSecret {
  secret: string;
  createdAt: string;
  expiresAt?: string;
}

/** After a rotation the previous secret signs too, for this long. */
export const ROTATION_OVERLAP_MS = 24 * 3_600_000;

/** The secrets that sign at `now`: the current one first, then any rotated out less than 24 h ago. */
export function signingSecrets(secrets: readonly EndpointSecret[], now: Date): string[] {
  return secrets.filter((s) => !s.expiresAt || Date.parse(s.expiresAt) > now.getTime()).map((s) => s.secret);
}

/** The secrets after a rotation at `now`: the new one, the old current one for 24 h; expired ones dropped. */
export function rotated(secrets: readonly EndpointSecret[], fresh: string, now: Date): EndpointSecret[] {
  const at = now.toISOString();
  const until = new Date(now.getTime() + ROTATION_OVERLAP_MS).toISOString();
  const kept = secrets
    .filter((s) => !s.expiresAt || Date.parse(s.expiresAt) > now.getTime())
    .map((s) => (s.expiresAt ? s : { ...s, expiresAt: until }));
  return [{ secret: fresh, createdAt: at }, ...kept];
}

/** The `webhook-signature` header: one `v1,` signature per signing secret, space-separated. */
export function signatureHeader(secrets: readonly string[], id: string, timestampSeconds: number, body: string) {
  return secrets.map((secret) => signature(secret, id, timestampSeconds, body)).join(' ');
}

/**
 * Attempt 1 is immediate; a failed attempt n is retried after RETRY_DELAYS_MS[n-1]:
 * 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h. After the 8th failure the delivery has failed.
 */
export const RETRY_DELAYS_MS = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000] as const;
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;
/** A request gets this long to answer (connect, send, status line). */
export const DELIVERY_TIMEOUT_MS = 15_000;
/** An endpoint whose deliveries have failed without a success for this long is disabled. */
export const DISABLE_AFTER_MS = 5 * 86_400_000;
/** Deliveries (and the events feed) are kept this long. */
export const DELIVERY_RETENTION_DAYS = 30;

export type DeliveryStatus = 'pending' | 'succeeded' | 'failed';

/** What one attempt came to: a response status, or no response (timeout, refused, connection error). */
export type AttemptResult = { status: number; durationMs: number } | { error: string; durationMs: number };

export const succeeded = (result: AttemptResult) => 'status' in result && result.status >= 200 && result.status < 300;

/** The delivery after attempt number `attempt` (1-based) ended with `result` at `now`. */
export function afterAttempt(
  attempt: number,
  result: AttemptResult,
  now: Date,
): { status: DeliveryStatus; nextAttemptAt: string | null; disableEndpoint: boolean } {
  if (succeeded(result)) return { status: 'succeeded', nextAttemptAt: null, disableEndpoint: false };
  // 410 Gone: the receiver says the endpoint no longer exists.
  if ('status' in result && result.status === 410)
    return { status: 'failed', nextAttemptAt: null, disableEndpoint: true };
  const delay = RETRY_DELAYS_MS[attempt - 1];
  if (delay === undefined) return { status: 'failed', nextAttemptAt: null, disableEndpoint: false };
  return { status: 'pending', nextAttemptAt: new Date(now.getTime() + delay).toISOString(), disableEndpoint: false };
}

/** Whether an endpoint failing since `failingSince` (no success since) is to be disabled at `now`. */
export function failingTooLong(failingSince: string | undefined, now: Date): boolean {
  return !!failingSince && now.getTime() - Date.parse(failingSince) >= DISABLE_AFTER_MS;
}

// ── SSRF ────────────────────────────────────────────────────────────────
const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this" network
  ['10.0.0.0', 8], // RFC 1918
  ['100.64.0.0', 10], // CGNAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, incl. the instance metadata service 169.254.169.254
  ['172.16.0.0', 12], // RFC 1918
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay anycast
  ['192.168.0.0', 16], // RFC 1918
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, incl. broadcast 255.255.255.255
] as const) {
  blocked.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['100::', 64], // discard
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const) {
  blocked.addSubnet(net, prefix, 'ipv6');
}

/** The IPv4 address an IPv6 one embeds (IPv4-mapped ::ffff:a.b.c.d, NAT64 64:ff9b::/96, 6to4 2002::/16), if any. */
export function embeddedIpv4(address: string): string | undefined {
  const lower = address.toLowerCase();
  const dotted = /^(?:::ffff:(?:0:)?|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted) return dotted[1];
  const groups = expandIpv6(lower);
  if (!groups) return undefined;
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  const [g0, g1, g2, g3, g4, g5, g6, g7] = groups as [number, number, number, number, number, number, number, number];
  // ::ffff:x:y (mapped) and ::x:y (the deprecated IPv4-compatible form), ::ffff:0:x:y (translated)
  if (
    g0 === 0 &&
    g1 === 0 &&
    g2 === 0 &&
    g3 === 0 &&
    ((g4 === 0 && (g5 === 0xffff || g5 === 0)) || (g4 === 0xffff && g5 === 0))
  ) {
    if (g5 === 0 && g4 === 0 && g6 === 0 && g7 <= 1) return undefined; // :: and ::1 themselves
    return v4(g6, g7);
  }
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) return v4(g6, g7);
  if (g0 === 0x2002) return v4(g1, g2);
  return undefined;
}

function expandIpv6(address: string): number[] | undefined {
  if (isIP(address) !== 6) return undefined;
  let text = address;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted?.[1]) {
    const [a, b, c, d] = dotted[1].split('.').map(Number) as [number, number, number, number];
    text = text.replace(dotted[1], `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`);
  }
  const [head = '', tail] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const zeros = tail === undefined ? 0 : 8 - left.length - right.length;
  return [...left, ...Array(zeros).fill('0'), ...right].map((g) => Number.parseInt(g, 16));
}

/** Why a delivery may not connect to `address` (an IP literal), or undefined when it may. */
export function refusedAddress(address: string): string | undefined {
  const family = isIP(address);
  if (family === 0) return `${address} is not an IP address`;
  if (family === 4) return blocked.check(address, 'ipv4') ? `${address} is a private or reserved address` : undefined;
  const v4 = embeddedIpv4(address);
  if (v4 && blocked.check(v4, 'ipv4')) return `${address} embeds the private or reserved address ${v4}`;
  return blocked.check(address, 'ipv6') ? `${address} is a private or reserved address` : undefined;
}

/** Where deliveries may go: AWS refuses plain http and private addresses; the local stack may allow both. */
export interface TargetPolicy {
  allowPrivate: boolean;
}

/** Why `url` may not be a webhook endpoint (its form only; addresses are checked when resolved), or undefined. */
export function refusedUrl(url: string, policy: TargetPolicy): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'Must be an absolute URL';
  }
  if (parsed.protocol !== 'https:' && !(policy.allowPrivate && parsed.protocol === 'http:')) {
    return 'Must be an https URL';
  }
  if (parsed.username || parsed.password) return 'Must not carry a user name or password';
  if (parsed.hash) return 'Must not carry a fragment';
  return undefined;
}
