/**
 * Operations the console already uses that the committed openapi.json does
 * not describe yet (the team queue, being built elsewhere); change-password
 * and sign-out were here until the identity routes landed. Written in
 * openapi-typescript's shape so the one client types them;
 * `Paths` (client.ts) drops an entry as soon as the generated schema has that
 * path, so the generated type always wins and this file only shrinks.
 */
import type { components } from './schema';

type Json<T> = { content: { 'application/json': T } };
type Ok<T> = { headers: Record<string, unknown> } & Json<T>;
type Problem = {
  headers: Record<string, unknown>;
  content: { 'application/problem+json': components['schemas']['Problem'] };
};
type NoParams = { query?: never; header?: never; path?: never; cookie?: never };
type PathItem = {
  parameters: NoParams;
  get?: never;
  put?: never;
  post?: never;
  delete?: never;
  options?: never;
  head?: never;
  patch?: never;
  trace?: never;
};
type Only<M extends keyof PathItem, Op> = Omit<PathItem, M> & { [K in M]: Op };

export interface QueuedConversation {
  conversationId: string;
  teamId: string;
  queuedAt: string;
}

export type PendingPaths = {
  '/v1/tenants/{tenantId}/teams/{teamId}/queue': Only<
    'get',
    {
      parameters: {
        query?: { limit?: number; cursor?: string };
        header?: never;
        path: { tenantId: string; teamId: string };
        cookie?: never;
      };
      requestBody?: never;
      responses: { 200: Ok<{ items: QueuedConversation[]; nextCursor: string | null }>; 404: Problem };
    }
  >;
};
