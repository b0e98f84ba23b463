/** Choose which organisation to open, for people who belong to several. */
import { useQueryClient } from '@tanstack/react-query';
import { describe } from '../api/problem';
import { chooseTenant } from '../api/session';
import { signOut } from '../data/auth';
import { activeTenants, useMe } from '../data/tenant';
import { PageShell } from '../pages/PageShell';
import { navigate } from '../router';
import { ErrorText } from '../ui/Dialog';
import { JoinableTenants } from './JoinableTenants';

export function TenantPicker() {
  const me = useMe();
  const client = useQueryClient();
  const tenants = me.data ? activeTenants(me.data) : [];
  const held = me.data?.memberships.filter((m) => m.status === 'suspended' || m.status === 'deactivated') ?? [];

  function open(tenantId: string) {
    chooseTenant(tenantId);
    client.removeQueries({ queryKey: ['tenant'] });
    navigate('/users');
  }

  return (
    <PageShell title="Choose an organisation">
      {me.error ? <ErrorText>{describe(me.error)}</ErrorText> : null}
      {held.length > 0 ? (
        <ul className="notices">
          {held.map((m) => (
            <li key={m.tenant.id} className="notice">
              {blockedText(m.tenant.name ?? m.tenant.id, m.status)}
            </li>
          ))}
        </ul>
      ) : null}
      {me.data && tenants.length === 0 && held.length === 0 ? (
        <p>You have no active membership in any organisation. Ask an administrator to invite you.</p>
      ) : null}
      <ul className="tenant-list">
        {tenants.map((t) => (
          <li key={t.id}>
            <button type="button" onClick={() => open(t.id)}>
              Open {t.name}
            </button>
          </li>
        ))}
      </ul>
      <JoinableTenants />
      <p>
        <button
          type="button"
          className="link"
          onClick={() => void signOut().then(() => navigate('/sign-in?notice=signedout'))}
        >
          Sign out
        </button>
      </p>
    </PageShell>
  );
}

/** Why an organisation is not offered, and who can change that (DESIGN §2a: an admin, never the person). */
export function blockedText(tenant: string, status: string): string {
  return status === 'suspended'
    ? `You are suspended in ${tenant}, so you cannot open it. An administrator of ${tenant} (or anyone there allowed to edit users) can lift the suspension; ask them to reactivate you.`
    : `Your access to ${tenant} was removed (deactivated). An administrator of ${tenant} can reactivate you if a seat is free.`;
}
