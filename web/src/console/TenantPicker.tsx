/** Choose which organisation to open, for people who belong to several. */
import { useQueryClient } from '@tanstack/react-query';
import { describe } from '../api/problem';
import { chooseTenant } from '../api/session';
import { signOut } from '../data/auth';
import { activeTenants, useMe } from '../data/tenant';
import { PageShell } from '../pages/PageShell';
import { navigate } from '../router';
import { ErrorText } from '../ui/Dialog';

export function TenantPicker() {
  const me = useMe();
  const client = useQueryClient();
  const tenants = me.data ? activeTenants(me.data) : [];

  function open(tenantId: string) {
    chooseTenant(tenantId);
    client.removeQueries({ queryKey: ['tenant'] });
    navigate('/users');
  }

  return (
    <PageShell title="Choose an organisation">
      {me.error ? <ErrorText>{describe(me.error)}</ErrorText> : null}
      {me.data && tenants.length === 0 ? (
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
