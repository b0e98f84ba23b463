/** A tenant's webhook endpoints and their deliveries (integrations:manage). */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ok } from '../api/client';
import type { components } from '../api/schema';

export type Webhook = components['schemas']['Webhook'];
export type WebhookWithSecret = components['schemas']['WebhookWithSecret'];
export type Delivery = components['schemas']['WebhookDelivery'];

const listKey = (tenantId: string) => ['tenant', tenantId, 'webhooks'] as const;
const deliveriesKey = (tenantId: string, webhookId: string) =>
  ['tenant', tenantId, 'webhooks', webhookId, 'deliveries'] as const;

export function useWebhooks(tenantId: string) {
  return useQuery({
    queryKey: listKey(tenantId),
    queryFn: () => ok(api.GET('/v1/tenants/{tenantId}/webhooks', { params: { path: { tenantId } } })),
  });
}

export function useDeliveries(tenantId: string, webhookId: string | undefined) {
  return useQuery({
    queryKey: deliveriesKey(tenantId, webhookId ?? ''),
    queryFn: () =>
      ok(
        api.GET('/v1/tenants/{tenantId}/webhooks/{webhookId}/deliveries', {
          params: { path: { tenantId, webhookId: webhookId as string }, query: { limit: 25 } },
        }),
      ),
    enabled: !!webhookId,
  });
}

/** Every change refreshes the endpoints and their deliveries. */
function useRefresh(tenantId: string) {
  const client = useQueryClient();
  return () => client.invalidateQueries({ queryKey: listKey(tenantId) });
}

export function useCreateWebhook(tenantId: string) {
  const refresh = useRefresh(tenantId);
  return useMutation({
    mutationFn: (body: { url: string; events: string[]; description?: string }) =>
      ok(api.POST('/v1/tenants/{tenantId}/webhooks', { params: { path: { tenantId } }, body })),
    onSuccess: refresh,
  });
}

export function useUpdateWebhook(tenantId: string) {
  const refresh = useRefresh(tenantId);
  return useMutation({
    mutationFn: ({ webhookId, ...body }: { webhookId: string; enabled?: boolean; events?: string[] }) =>
      ok(
        api.PATCH('/v1/tenants/{tenantId}/webhooks/{webhookId}', {
          params: { path: { tenantId, webhookId } },
          body,
        }),
      ),
    onSuccess: refresh,
  });
}

export function useDeleteWebhook(tenantId: string) {
  const refresh = useRefresh(tenantId);
  return useMutation({
    mutationFn: (webhookId: string) =>
      ok(api.DELETE('/v1/tenants/{tenantId}/webhooks/{webhookId}', { params: { path: { tenantId, webhookId } } })),
    onSuccess: refresh,
  });
}

export function useRotateSecret(tenantId: string) {
  const refresh = useRefresh(tenantId);
  return useMutation({
    mutationFn: (webhookId: string) =>
      ok(
        api.POST('/v1/tenants/{tenantId}/webhooks/{webhookId}/rotate-secret', {
          params: { path: { tenantId, webhookId } },
        }),
      ),
    onSuccess: refresh,
  });
}

export function useSendTest(tenantId: string) {
  const refresh = useRefresh(tenantId);
  return useMutation({
    mutationFn: (webhookId: string) =>
      ok(api.POST('/v1/tenants/{tenantId}/webhooks/{webhookId}/test', { params: { path: { tenantId, webhookId } } })),
    onSuccess: refresh,
  });
}

export function useRetryDelivery(tenantId: string) {
  const refresh = useRefresh(tenantId);
  return useMutation({
    mutationFn: ({ webhookId, deliveryId }: { webhookId: string; deliveryId: string }) =>
      ok(
        api.POST('/v1/tenants/{tenantId}/webhooks/{webhookId}/deliveries/{deliveryId}/retry', {
          params: { path: { tenantId, webhookId, deliveryId } },
        }),
      ),
    onSuccess: refresh,
  });
}
