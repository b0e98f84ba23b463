/** SCIM e2e helpers: a tenant with an admin owner and a SCIM token, and calls with `application/scim+json`. */
import type { TestGateway } from '../../support/http.ts';
import { client, type Res } from '../client.ts';

export interface ScimTenant {
  tenantId: string;
  ownerId: string;
  ownerToken: string;
  scimToken: string;
  tokenId: string;
}

export function scimKit(gw: TestGateway) {
  const api = client(gw);
  async function scim(method: string, path: string, token: string, body?: unknown): Promise<Res> {
    return api.call(method, `/scim/v2${path}`, {
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
      body,
    });
  }
  async function tenant(label: string, plan = 'enterprise'): Promise<ScimTenant> {
    const t = await api.tenantWithOwner(plan, label);
    const created = await api.call('POST', `/v1/tenants/${t.tenantId}/scim/tokens`, {
      token: t.ownerToken,
      body: { name: `${label} IdP` },
    });
    if (created.status !== 201) throw new Error(`token: ${created.status} ${JSON.stringify(created.body)}`);
    return { ...t, scimToken: created.body.token, tokenId: created.body.id };
  }
  return { api, scim, tenant };
}

export const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
