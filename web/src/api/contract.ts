/**
 * Operations of the identity contract (DESIGN §2a, §6) that the committed
 * openapi.json does not describe yet: change-password, sign-out and the team
 * queue. Written in openapi-typescript's shape so the one client types them;
 * `Paths` (client.ts) drops an entry as soon as the generated schema has that
 * path, so the generated type always wins and this file only shrinks.
 */
import type { components } from './schema';

type Json<T> = { content: { 'application/json': T } };
type NoContent = { headers: Record<string, unknown>; content?: never };
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
  '/v1/auth/change-password': Only<
    'post',
    {
      parameters: NoParams;
      requestBody: Json<{ currentPassword: string; newPassword: string }>;
      responses: { 200: Ok<components['schemas']['Tokens']>; 400: Problem; 401: Problem };
    }
  >;
  '/v1/auth/sign-out': Only<
    'post',
    {
      parameters: NoParams;
      requestBody: Json<{ refreshToken: string } | { everywhere: true }>;
      responses: { 204: NoContent; 400: Problem; 401: Problem };
    }
  >;
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

/** Fields the contract adds to responses the generated schema already has. */
export interface InvitationPreviewExtras {
  inviterName?: string;
}
