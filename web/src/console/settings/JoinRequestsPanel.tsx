/** People who asked to join through auto-join (users:create): approve or deny each. */
import { describe } from '../../api/problem';
import { useAnswerJoinRequest, useJoinRequests } from '../../data/enterprise';
import { ErrorText } from '../../ui/Dialog';
import { when } from '../../ui/format';

export function JoinRequestsPanel({ tenantId, onDone }: { tenantId: string; onDone: (s: string) => void }) {
  const requests = useJoinRequests(tenantId);
  const answer = useAnswerJoinRequest(tenantId);
  const items = requests.data?.items ?? [];
  return (
    <section className="panel" aria-labelledby="requests-title">
      <h2 id="requests-title">Join requests</h2>
      {requests.error ? <ErrorText>{describe(requests.error)}</ErrorText> : null}
      {answer.error ? <ErrorText>{describe(answer.error)}</ErrorText> : null}
      {requests.data && items.length === 0 ? <p>No one is waiting to join.</p> : null}
      <ul className="request-list">
        {items.map((r) => (
          <li key={r.id}>
            <span>
              {r.name} ({r.email}) asked {when(r.requestedAt)}
            </span>{' '}
            <button
              type="button"
              disabled={answer.isPending}
              onClick={() =>
                answer.mutate(
                  { requestId: r.id, answer: 'approve' },
                  { onSuccess: () => onDone(`${r.name} joined the organisation.`) },
                )
              }
            >
              Approve {r.name}
            </button>{' '}
            <button
              type="button"
              className="danger"
              disabled={answer.isPending}
              onClick={() =>
                answer.mutate(
                  { requestId: r.id, answer: 'deny' },
                  { onSuccess: () => onDone(`${r.name}’s request was denied.`) },
                )
              }
            >
              Deny {r.name}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
