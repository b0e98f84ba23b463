/**
 * The actions for one member, named for that member ("Deactivate
 * ann@acme.example") so each control is unique on the page. Only the actions
 * the member's status allows and the signed-in person may take are shown.
 */
import type { Member } from '../../data/users';

export type RowAction = 'edit' | 'resend' | 'suspend' | 'deactivate' | 'reactivate' | 'reset' | 'delete';

const LABELS: Record<RowAction, string> = {
  edit: 'Edit',
  resend: 'Resend invitation',
  suspend: 'Suspend',
  deactivate: 'Deactivate',
  reactivate: 'Reactivate',
  reset: 'Reset password',
  delete: 'Delete',
};

const BY_STATUS: Record<Member['status'], RowAction[]> = {
  invited: ['edit', 'resend', 'delete'],
  expired: ['edit', 'resend', 'delete'],
  active: ['edit', 'suspend', 'deactivate', 'reset', 'delete'],
  suspended: ['edit', 'reactivate', 'deactivate', 'reset', 'delete'],
  deactivated: ['edit', 'reactivate', 'delete'],
};

/** What may be done to `member` by someone holding users:edit (`canEdit`) and users:delete (`canDelete`). */
export function availableActions(
  member: Member,
  who: { canEdit: boolean; canDelete: boolean; isSelf: boolean; isOwner: boolean },
): RowAction[] {
  if (who.isSelf) return [];
  return BY_STATUS[member.status].filter((action) => {
    if (action === 'delete') return who.canDelete && !who.isOwner;
    if (!who.canEdit) return false;
    if (who.isOwner) return action === 'edit';
    return true;
  });
}

export const actionLabel = (action: RowAction, member: Member): string => `${LABELS[action]} ${member.email}`;

export function RowActions({
  member,
  actions,
  onAction,
}: {
  member: Member;
  actions: RowAction[];
  onAction: (action: RowAction, member: Member) => void;
}) {
  if (actions.length === 0) return null;
  const [first, ...more] = actions;
  return (
    <div className="row-actions">
      {first ? (
        <button type="button" aria-label={actionLabel(first, member)} onClick={() => onAction(first, member)}>
          {LABELS[first]}
        </button>
      ) : null}
      {more.length > 0 ? (
        <details className="menu">
          <summary aria-label={`More actions for ${member.email}`}>More</summary>
          <ul>
            {more.map((action) => (
              <li key={action}>
                <button
                  type="button"
                  className={
                    action === 'delete' || action === 'deactivate' || action === 'suspend' ? 'danger-text' : undefined
                  }
                  aria-label={actionLabel(action, member)}
                  onClick={(event) => {
                    event.currentTarget.closest('details')?.removeAttribute('open');
                    onAction(action, member);
                  }}
                >
                  {LABELS[action]}
                </button>
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </div>
  );
}
