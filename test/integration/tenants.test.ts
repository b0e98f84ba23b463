/**
 * Repositories and use cases against the real emulators: DynamoDB Local,
 * cognito-local and SES local (env injected by test/support).
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { acceptInvitation, previewInvitation } from '../../lib/app/invitations.ts';
import { changeTenant, provisionTenant } from '../../lib/app/tenants.ts';
import { dynamo } from '../../lib/aws/clients.ts';
import { findLogin, signIn } from '../../lib/aws/identity.ts';
import { config } from '../../lib/config.ts';
import { loadAccess } from '../../lib/store/members.ts';
import { getTenant, listTenants } from '../../lib/store/tenants.ts';
import { sesMessages } from '../support/http.ts';

const platform = { type: 'platform', id: 'integration' } as const;
const unique = () => Math.random().toString(36).slice(2, 10);

async function auditActions(tenantId: string): Promise<string[]> {
  const out = await dynamo().send(
    new QueryCommand({
      TableName: config().tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `TENANT#${tenantId}#AUDIT` },
    }),
  );
  return (out.Items ?? []).map((i) => String(i.action)).sort();
}

async function invitationToken(email: string): Promise<string> {
  const mail = (await sesMessages(undefined, email)).at(-1);
  const token = /accept-invitation\?token=([A-Za-z0-9._%-]+)/.exec(mail?.body.text ?? '')?.[1];
  if (!token) throw new Error(`no invitation mail for ${email}`);
  return decodeURIComponent(token);
}

describe('tenant provisioning', () => {
  it('creates the tenant, the invited owner holding one seat, the Cognito identity and the audit trail', async () => {
    const email = `owner-${unique()}@it.test`;
    const now = new Date();
    const created = await provisionTenant(
      { name: 'Acme', plan: 'growth', owner: { email, name: 'Olive Owner' } },
      platform,
      now,
    );
    expect(created.seats).toEqual({ used: 1, limit: 5, available: 4 });
    expect(created.owner.status).toBe('invited');
    expect(created.owner.invitationDelivery).toBe('sent');
    const identity = await findLogin(email);
    expect(identity?.id).toBe(created.ownerId);
    const { tenant, member } = await loadAccess(created.id, created.ownerId);
    expect(tenant?.seatsUsed).toBe(1);
    expect(member?.status).toBe('invited');
    expect(member?.invitation?.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(await auditActions(created.id)).toEqual(['member.invited', 'tenant.created']);
  });

  it('refuses a duplicate tenant id and writes nothing more', async () => {
    const id = `dup-${unique()}`;
    const owner = { email: `o-${unique()}@it.test`, name: 'O' };
    await provisionTenant({ id, name: 'First', plan: 'trial', owner }, platform, new Date());
    await expect(
      provisionTenant(
        { id, name: 'Second', plan: 'scale', owner: { email: `x-${unique()}@it.test`, name: 'X' } },
        platform,
        new Date(),
      ),
    ).rejects.toMatchObject({ code: 'conflict' });
    expect((await getTenant(id))?.name).toBe('First');
    expect(await auditActions(id)).toEqual(['member.invited', 'tenant.created']);
  });

  it('accepts once: sets the password, activates, and the link dies', async () => {
    const email = `acc-${unique()}@it.test`;
    const created = await provisionTenant(
      { name: 'Beta', plan: 'starter', owner: { email, name: 'B' } },
      platform,
      new Date(),
    );
    const token = await invitationToken(email);
    const preview = await previewInvitation(token, new Date());
    expect(preview).toMatchObject({ tenant: { id: created.id, name: 'Beta' }, email, role: 'admin', hasLogin: false });
    const accepted = await acceptInvitation({ token, name: 'Bea', password: 'CorrectHorse9Battery' }, new Date());
    expect(accepted).toMatchObject({ tenantId: created.id, status: 'active', linked: false });
    await expect(
      acceptInvitation({ token, name: 'Bea', password: 'CorrectHorse9Battery' }, new Date()),
    ).rejects.toMatchObject({
      code: 'invitation-invalid',
    });
    const signed = await signIn(email, 'CorrectHorse9Battery');
    expect(signed).toHaveProperty('accessToken');
    const { member } = await loadAccess(created.id, created.ownerId);
    expect(member).toMatchObject({ status: 'active', name: 'Bea' });
    expect(member?.invitation).toBeUndefined();
    expect(await auditActions(created.id)).toContain('member.activated');
  });

  it('refuses an expired or tampered link', async () => {
    const email = `exp-${unique()}@it.test`;
    const past = new Date(Date.now() - 8 * 86_400_000);
    await provisionTenant({ name: 'Old', plan: 'trial', owner: { email, name: 'O' } }, platform, past);
    const token = await invitationToken(email);
    await expect(previewInvitation(token, new Date())).rejects.toMatchObject({ code: 'invitation-invalid' });
    const tampered = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
    await expect(previewInvitation(tampered, past)).rejects.toMatchObject({ code: 'invitation-invalid' });
    await expect(previewInvitation('garbage', past)).rejects.toMatchObject({ code: 'invitation-invalid' });
  });

  it('re-plans with optimistic concurrency and audits before/after', async () => {
    const created = await provisionTenant(
      { name: 'Gamma', plan: 'trial', owner: { email: `g-${unique()}@it.test`, name: 'G' } },
      platform,
      new Date(),
    );
    const current = await getTenant(created.id);
    if (!current) throw new Error('missing');
    const next = await changeTenant(current, { plan: 'enterprise' }, platform, new Date(), current.version);
    expect(next.seatLimit).toBeUndefined();
    expect((await getTenant(created.id))?.seatLimit).toBeUndefined();
    await expect(changeTenant(current, { name: 'Stale' }, platform, new Date())).rejects.toMatchObject({
      code: 'precondition-failed',
    });
    expect((await getTenant(created.id))?.name).toBe('Gamma');
    expect(await auditActions(created.id)).toContain('tenant.updated');
  });

  it('pages the tenant list with a cursor that only works for that list', async () => {
    const first = await listTenants(2);
    expect(first.items.length).toBeLessThanOrEqual(2);
    if (first.nextCursor) {
      const second = await listTenants(2, first.nextCursor);
      const ids = new Set(first.items.map((t) => t.id));
      expect(second.items.some((t) => ids.has(t.id))).toBe(false);
    }
    const foreign = Buffer.from(JSON.stringify({ s: 'TENANT#x', k: { pk: 'TENANT#x' } })).toString('base64url');
    await expect(listTenants(2, foreign)).rejects.toMatchObject({ code: 'validation-failed' });
    await expect(listTenants(2, '%%%')).rejects.toMatchObject({ code: 'validation-failed' });
  });
});
