/**
 * The enterprise sign-in parts of Organisation settings: domains and
 * auto-join (admins only, DESIGN §2a rule 14), join requests (users:create).
 */
import { useConsole } from '../context';
import { AutoJoinPanel } from './AutoJoinPanel';
import { DomainsPanel } from './DomainsPanel';
import { JoinRequestsPanel } from './JoinRequestsPanel';

export function EnterpriseSettings({ onDone }: { onDone: (s: string) => void }) {
  const { tenantId, me, can } = useConsole();
  const isAdmin = me.role === 'admin' && can('settings:manage');
  return (
    <>
      {isAdmin ? <DomainsPanel tenantId={tenantId} onDone={onDone} /> : null}
      {isAdmin ? (
        <AutoJoinPanel
          tenantId={tenantId}
          settings={me.tenant.autoJoin ?? { mode: 'off', defaultRole: 'agent' }}
          onDone={onDone}
        />
      ) : null}
      {can('users:create') ? <JoinRequestsPanel tenantId={tenantId} onDone={onDone} /> : null}
    </>
  );
}
