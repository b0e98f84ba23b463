/**
 * Verified domains (DESIGN §1 "Enterprise sign-in", §2a rule 13): which names a
 * tenant may claim, the challenge it publishes, and when a verified domain
 * still enables sign-in features (JIT provisioning, auto-join) — pure rules.
 */
import { isIP } from 'node:net';
import freeMail from 'email-providers/all.json' with { type: 'json' };
import { parse as parsePsl } from 'psl';
import { DomainError } from './errors.ts';

export const DOMAIN_STATUSES = ['pending', 'verified', 'failed'] as const;
export type DomainStatus = (typeof DOMAIN_STATUSES)[number];

/** The TXT record's name is this label before the domain. */
export const CHALLENGE_LABEL = '_roster-challenge';
/** The TXT record's value starts with this, then the per tenant-and-domain secret. */
export const CHALLENGE_PREFIX = 'roster-verification=';
/** A tenant claims at most this many domains (pending ones included). */
export const MAX_DOMAINS = 20;

export interface DomainRecord {
  tenantId: string;
  /** Lower-case, no trailing dot: the registrable domain or a subdomain of one. */
  domain: string;
  status: DomainStatus;
  /** The TXT value to publish (random, per tenant and domain; not a secret once published). */
  challenge: string;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  /** When the last lookup (verify, or the daily re-check) ran. */
  lastCheckedAt?: string;
  verifiedAt?: string;
  /** The daily re-check found the record gone: flagged, and after `graceEndsAt` it enables nothing. */
  flaggedAt?: string;
  graceEndsAt?: string;
  /** Verified domains only: when the daily re-check is next due. */
  nextCheckAt?: string;
  version: number;
}

const FREE_MAIL = new Set<string>(freeMail as string[]);
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

const invalid = (message: string) =>
  new DomainError('validation-failed', message, { errors: [{ path: 'body.domain', message }] });

/**
 * The domain as stored (trimmed, lower-case, no trailing dot), or a 400: a
 * malformed name, an IP literal, a public suffix or a name on no known TLD
 * (the maintained Public Suffix List, `psl`), or a free-mail provider's domain
 * (the maintained `email-providers` list) — none of them one organisation's.
 */
export function parseDomain(input: string): string {
  const domain = input.trim().toLowerCase().replace(/\.$/, '');
  if (domain.length === 0 || domain.length > 253) throw invalid('Enter a domain name such as acme.com');
  if (isIP(domain) || isIP(domain.replace(/^\[|\]$/g, ''))) throw invalid('An IP address is not a domain name');
  const labels = domain.split('.');
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l)) || /^\d+$/.test(labels.at(-1) ?? '')) {
    throw invalid('Enter a domain name such as acme.com (letters, digits and hyphens)');
  }
  const parsed = parsePsl(domain);
  if ('error' in parsed || !parsed.listed || !parsed.domain) {
    throw invalid('This is a public suffix or not under a known top-level domain; enter your organisation’s domain');
  }
  if (FREE_MAIL.has(domain) || FREE_MAIL.has(parsed.domain)) {
    throw invalid('This is a free email provider’s domain; enter your organisation’s own domain');
  }
  return domain;
}

/** The domain part of an address, lower-case (undefined when it has none). */
export function emailDomain(email: string): string | undefined {
  const at = email.lastIndexOf('@');
  if (at < 1) return undefined;
  return email
    .slice(at + 1)
    .trim()
    .toLowerCase()
    .replace(/\.$/, '');
}

export const challengeName = (domain: string) => `${CHALLENGE_LABEL}.${domain}`;

/** Whether the TXT strings looked up carry this challenge (a record may be split into several strings). */
export function challengeFound(records: readonly (readonly string[])[], challenge: string): boolean {
  return records.some((chunks) => chunks.join('').trim() === challenge);
}

/** Whether a verified domain still enables JIT provisioning and auto-join at `now`. */
export function domainEnables(claim: { flaggedAt?: string; graceEndsAt?: string } | undefined, now: Date): boolean {
  if (!claim) return false;
  if (!claim.graceEndsAt) return true;
  return Date.parse(claim.graceEndsAt) > now.getTime();
}
