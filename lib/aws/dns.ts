/**
 * TXT lookups for domain verification: node:dns's Resolver, asking the
 * servers of `DNS_SERVERS` when set (the local stack's loopback server) and
 * the system resolver otherwise (AWS: the VPC-less Lambda's resolver). One
 * code path for both.
 */
import { Resolver } from 'node:dns/promises';
import { config } from '../config.ts';
import { DomainError } from '../domain/errors.ts';

/** Answers that say the name or the record does not exist (as opposed to a failed lookup). */
const ABSENT = new Set(['ENOTFOUND', 'ENODATA', 'NOTFOUND', 'NODATA']);

/** The TXT records at `name` (each as its character-strings); [] when there are none. A failed lookup throws. */
export async function lookupTxt(name: string): Promise<string[][]> {
  const resolver = new Resolver({ timeout: 2_000, tries: 2 });
  const servers = config().dnsServers;
  if (servers.length) resolver.setServers([...servers]);
  try {
    return await resolver.resolveTxt(name);
  } catch (error) {
    const code = (error as { code?: string }).code ?? '';
    if (ABSENT.has(code)) return [];
    throw new DomainError(
      'service-unavailable',
      `The DNS lookup of ${name} failed (${code || 'error'}); try again shortly.`,
    );
  }
}
