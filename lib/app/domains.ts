/**
 * Verified domains (DESIGN §1 "Enterprise sign-in", §2a rules 13–14): an
 * admin adds a domain (pending, with a TXT record to publish), verifies it
 * (Roster looks the record up), removes it; the daily job re-checks verified
 * ones and flags a domain whose record disappeared (after the grace period it
 * enables nothing). Security settings are admins' alone: any custom role short
 * of admin is refused, whatever it holds.
 */
import { randomBytes } from 'node:crypto';
import { lookupTxt } from '../aws/dns.ts';
import { config } from '../config.ts';
import {
  CHALLENGE_PREFIX,
  challengeFound,
  challengeName,
  type DomainRecord,
  MAX_DOMAINS,
  parseDomain,
} from '../domain/domains.ts';
import { conflict, forbidden, notFound } from '../domain/errors.ts';
import type { Actor } from '../store/audit.ts';
import { getDomain, getDomainClaim, listDomains, verifiedElsewhere, writeDomainChange } from '../store/domains.ts';
import { actorOf } from './access.ts';
import type { TenantAccess } from './tenant-access.ts';

/** A verified domain is looked up again this long after its last check. */
export const RECHECK_MS = 24 * 3_600_000;

export interface DomainView {
  domain: string;
  status: DomainRecord['status'];
  verification: { type: 'TXT'; name: string; value: string };
  createdAt: string;
  lastCheckedAt: string | null;
  verifiedAt: string | null;
  /** The daily re-check found the record gone (null = not flagged). */
  flaggedAt: string | null;
  /** When a flagged domain stops enabling JIT provisioning and auto-join. */
  graceEndsAt: string | null;
  /** Verified and not flagged past its grace period: JIT provisioning and auto-join may use it now. */
  enablesSignIn: boolean;
}

export function domainView(record: DomainRecord, now: Date): DomainView {
  return {
    domain: record.domain,
    status: record.status,
    verification: { type: 'TXT', name: challengeName(record.domain), value: record.challenge },
    createdAt: record.createdAt,
    lastCheckedAt: record.lastCheckedAt ?? null,
    verifiedAt: record.verifiedAt ?? null,
    flaggedAt: record.flaggedAt ?? null,
    graceEndsAt: record.graceEndsAt ?? null,
    enablesSignIn:
      record.status === 'verified' && (!record.graceEndsAt || Date.parse(record.graceEndsAt) > now.getTime()),
  };
}

/** DESIGN §2a rule 14: the admin role, not a permission a custom role could hold. */
export function assertAdmin(access: TenantAccess, what: string): void {
  if (access.member.role !== 'admin') throw forbidden(`Only admins can ${what}.`);
}

/** The path's domain as stored; one that is not this tenant's is a 404 (never a hint about other tenants). */
async function requireDomain(access: TenantAccess, raw: string): Promise<DomainRecord> {
  const domain = raw.trim().toLowerCase().replace(/\.$/, '');
  const found = /^[a-z0-9.-]{1,253}$/.test(domain) ? await getDomain(access.tenant.id, domain) : undefined;
  if (!found) throw notFound('The domain');
  return found;
}

export async function listTenantDomains(access: TenantAccess) {
  assertAdmin(access, 'see the organisation’s domains');
  const items = await listDomains(access.tenant.id);
  return { items: items.map((d) => domainView(d, access.now)), nextCursor: null };
}

export async function addDomain(access: TenantAccess, input: { domain: string }, now: Date): Promise<DomainView> {
  assertAdmin(access, 'add domains');
  const domain = parseDomain(input.domain);
  const existing = await listDomains(access.tenant.id);
  if (existing.some((d) => d.domain === domain)) {
    throw conflict(`${domain} is already one of this organisation’s domains.`);
  }
  if (existing.length >= MAX_DOMAINS) {
    throw conflict(`An organisation can have at most ${MAX_DOMAINS} domains; remove one first.`);
  }
  const claim = await getDomainClaim(domain);
  if (claim && claim.tenantId !== access.tenant.id) throw verifiedElsewhere();
  const at = now.toISOString();
  const record: DomainRecord = {
    tenantId: access.tenant.id,
    domain,
    status: 'pending',
    challenge: `${CHALLENGE_PREFIX}${randomBytes(24).toString('base64url')}`,
    createdAt: at,
    createdBy: access.member.id,
    updatedAt: at,
    version: 1,
  };
  await writeDomainChange({ current: undefined, next: record, actor: actorOf(access), action: 'domain.added', at });
  return domainView(record, now);
}

/**
 * What one lookup of the record means for the domain: verified (a flag
 * cleared), flagged (a verified domain's record gone; its grace period starts),
 * failed (never verified), or nothing to write.
 */
export function afterLookup(
  current: DomainRecord,
  found: boolean,
  now: Date,
  graceDays: number = config().domainGraceDays,
): { next: DomainRecord; action?: string } {
  const at = now.toISOString();
  const base = { ...current, lastCheckedAt: at, updatedAt: at, version: current.version + 1 };
  if (found) {
    const { flaggedAt: _f, graceEndsAt: _g, ...rest } = base;
    const next: DomainRecord = {
      ...rest,
      status: 'verified',
      verifiedAt: current.status === 'verified' ? (current.verifiedAt ?? at) : at,
      nextCheckAt: new Date(now.getTime() + RECHECK_MS).toISOString(),
    };
    if (current.status !== 'verified') return { next, action: 'domain.verified' };
    return { next, ...(current.flaggedAt ? { action: 'domain.restored' } : {}) };
  }
  if (current.status === 'verified') {
    const next: DomainRecord = {
      ...base,
      nextCheckAt: new Date(now.getTime() + RECHECK_MS).toISOString(),
      flaggedAt: current.flaggedAt ?? at,
      graceEndsAt: current.graceEndsAt ?? new Date(now.getTime() + graceDays * 86_400_000).toISOString(),
    };
    return { next, ...(current.flaggedAt ? {} : { action: 'domain.flagged' }) };
  }
  const { nextCheckAt: _n, ...rest } = base;
  return { next: { ...rest, status: 'failed' }, ...(current.status === 'failed' ? {} : { action: 'domain.failed' }) };
}

/** Looks the TXT record up and records what it found (one transaction with its audit item). */
export async function checkDomain(current: DomainRecord, actor: Actor, now: Date): Promise<DomainRecord> {
  const records = await lookupTxt(challengeName(current.domain));
  const { next, action } = afterLookup(current, challengeFound(records, current.challenge), now);
  await writeDomainChange({ current, next, actor, at: next.updatedAt, ...(action ? { action } : {}) });
  return next;
}

export async function verifyDomain(access: TenantAccess, raw: string, now: Date): Promise<DomainView> {
  assertAdmin(access, 'verify domains');
  const current = await requireDomain(access, raw);
  // Refused before the lookup: another tenant verified it (nothing is written).
  const claim = await getDomainClaim(current.domain);
  if (claim && claim.tenantId !== access.tenant.id) throw verifiedElsewhere();
  return domainView(await checkDomain(current, actorOf(access), now), now);
}

export async function removeDomain(access: TenantAccess, raw: string, now: Date): Promise<void> {
  assertAdmin(access, 'remove domains');
  const current = await requireDomain(access, raw);
  await writeDomainChange({
    current,
    next: undefined,
    actor: actorOf(access),
    action: 'domain.removed',
    at: now.toISOString(),
  });
}
