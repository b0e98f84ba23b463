/** Verified domains, auto-join and join requests (Organisation settings), and the organisations one may join. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ok } from '../api/client';
import type { components } from '../api/schema';

export type Domain = components['schemas']['Domain'];
export type JoinRequest = components['schemas']['JoinRequest'];
export type JoinableTenant = components['schemas']['JoinableTenant'];
export type AutoJoin = components['schemas']['AutoJoin'];

const domainsKey = (t: string) => ['tenant', t, 'domains'] as const;
const requestsKey = (t: string) => ['tenant', t, 'join-requests'] as const;
const joinableKey = () => ['me', 'joinable'] as const;

export function useDomains(tenantId: string) {
  return useQuery({
    queryKey: domainsKey(tenantId),
    queryFn: () => ok(api.GET('/v1/tenants/{tenantId}/domains', { params: { path: { tenantId } } })),
  });
}

export function useAddDomain(tenantId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (domain: string) =>
      ok(api.POST('/v1/tenants/{tenantId}/domains', { params: { path: { tenantId } }, body: { domain } })),
    onSuccess: () => client.invalidateQueries({ queryKey: domainsKey(tenantId) }),
  });
}

export function useVerifyDomain(tenantId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (domain: string) =>
      ok(api.POST('/v1/tenants/{tenantId}/domains/{domain}/verify', { params: { path: { tenantId, domain } } })),
    onSettled: () => client.invalidateQueries({ queryKey: domainsKey(tenantId) }),
  });
}

export function useRemoveDomain(tenantId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (domain: string) =>
      ok(api.DELETE('/v1/tenants/{tenantId}/domains/{domain}', { params: { path: { tenantId, domain } } })),
    onSuccess: () => client.invalidateQueries({ queryKey: domainsKey(tenantId) }),
  });
}

export function useJoinRequests(tenantId: string) {
  return useQuery({
    queryKey: requestsKey(tenantId),
    queryFn: () =>
      ok(api.GET('/v1/tenants/{tenantId}/join-requests', { params: { path: { tenantId }, query: { limit: 100 } } })),
  });
}

export function useAnswerJoinRequest(tenantId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ requestId, answer }: { requestId: string; answer: 'approve' | 'deny' }) =>
      answer === 'approve'
        ? ok(
            api.POST('/v1/tenants/{tenantId}/join-requests/{requestId}/approve', {
              params: { path: { tenantId, requestId } },
            }),
          )
        : ok(
            api.POST('/v1/tenants/{tenantId}/join-requests/{requestId}/deny', {
              params: { path: { tenantId, requestId } },
            }),
          ),
    onSettled: () => client.invalidateQueries({ queryKey: requestsKey(tenantId) }),
  });
}

export function useJoinable() {
  return useQuery({ queryKey: joinableKey(), queryFn: () => ok(api.GET('/v1/me/joinable-tenants')) });
}

export function useJoinTenant() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (tenantId: string) =>
      ok(api.POST('/v1/me/joinable-tenants/{tenantId}/join', { params: { path: { tenantId } }, body: {} })),
    onSettled: () => client.invalidateQueries({ queryKey: ['me'] }),
  });
}

/** A domain's state in words, the flag and its grace period included. */
export function domainStatusText(d: Domain, now = Date.now()): string {
  if (d.status === 'pending') return 'Waiting for verification: publish the record below, then verify.';
  if (d.status === 'failed') return 'Not verified: the record was not found at the last check.';
  if (d.flaggedAt && d.graceEndsAt) {
    const ends = new Date(d.graceEndsAt);
    return Date.parse(d.graceEndsAt) > now
      ? `Verified, but the record is missing since ${new Date(d.flaggedAt).toLocaleDateString()}. Publish it again before ${ends.toLocaleDateString()}, or the domain stops enabling auto-join and single sign-on provisioning.`
      : `Record missing since ${new Date(d.flaggedAt).toLocaleDateString()}: the domain no longer enables auto-join or single sign-on provisioning. Publish the record again and verify.`;
  }
  return 'Verified. The record is checked daily: keep it published.';
}
