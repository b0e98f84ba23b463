/**
 * "Organisations you can join": the organisation whose verified domain holds
 * the person's proven address and that offers auto-join — join at once, or
 * ask to. Shows nothing when there is none.
 */
import { describe } from '../api/problem';
import { useJoinable, useJoinTenant } from '../data/enterprise';
import { ErrorText } from '../ui/Dialog';

export function JoinableTenants() {
  const joinable = useJoinable();
  const join = useJoinTenant();
  const items = joinable.data?.items ?? [];
  // After a join the list empties (the membership is theirs now): the outcome stays on screen.
  if (items.length === 0 && !join.data) return null;
  return (
    <section className="panel" aria-labelledby="joinable-title">
      <h2 id="joinable-title">Organisations you can join</h2>
      {join.error ? <ErrorText>{describe(join.error)}</ErrorText> : null}
      {join.data ? (
        <p role="status">
          {join.data.status === 'active'
            ? `You joined ${join.data.tenant.name}.`
            : `Your request to join ${join.data.tenant.name} was sent; an administrator will answer it.`}
        </p>
      ) : null}
      <ul className="tenant-list">
        {items.map((t) => (
          <li key={t.tenant.id}>
            <span>
              {t.tenant.name} (people at {t.domain})
            </span>{' '}
            {t.requested ? (
              <span>Request sent — waiting for an administrator.</span>
            ) : (
              <button type="button" disabled={join.isPending} onClick={() => join.mutate(t.tenant.id)}>
                {t.mode === 'automatic' ? `Join ${t.tenant.name}` : `Ask to join ${t.tenant.name}`}
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
