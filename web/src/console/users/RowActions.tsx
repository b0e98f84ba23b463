/**
 * The actions for one member, named for that member ("Deactivate
 * ann@acme.example") so each control is unique on the page. Only the actions
 * the member's status allows and the signed-in person may take are shown.
 */
import { useEffect, useId, useRef, useState } from 'react';
import type { Member } from '../../data/users';

export type RowAction = 'edit' | 'resend' | 'suspend' | 'deactivate' | 'reactivate' | 'reset' | 'resetMfa' | 'delete';

const LABELS: Record<RowAction, string> = {
  edit: 'Edit',
  resend: 'Resend invitation',
  suspend: 'Suspend',
  deactivate: 'Deactivate',
  reactivate: 'Reactivate',
  reset: 'Reset password',
  resetMfa: 'Reset MFA',
  delete: 'Delete',
};

const BY_STATUS: Record<Member['status'], RowAction[]> = {
  invited: ['edit', 'resend', 'delete'],
  expired: ['edit', 'resend', 'delete'],
  active: ['edit', 'suspend', 'deactivate', 'reset', 'resetMfa', 'delete'],
  suspended: ['edit', 'reactivate', 'deactivate', 'reset', 'resetMfa', 'delete'],
  deactivated: ['edit', 'reactivate', 'delete'],
};

/** What may be done to `member` by someone holding users:edit (`canEdit`) and users:delete (`canDelete`). */
export function availableActions(
  member: Member,
  who: { canEdit: boolean; canDelete: boolean; isSelf: boolean; isOwner: boolean },
): RowAction[] {
  if (who.isSelf) return [];
  // A directory-managed member's status is the identity provider's (SCIM): no suspend, deactivate,
  // reactivate or delete here; editing stays for what is Roster's (extra permissions, CRM access).
  const directory = member.managedBy === 'directory';
  return BY_STATUS[member.status].filter((action) => {
    if (directory && ['suspend', 'deactivate', 'reactivate', 'delete'].includes(action)) return false;
    if (action === 'delete') return who.canDelete && !who.isOwner;
    if (!who.canEdit) return false;
    if (who.isOwner) return action === 'edit';
    return true;
  });
}

const DESTRUCTIVE = new Set<RowAction>(['suspend', 'deactivate', 'delete']);

export const actionLabel = (action: RowAction, member: Member): string => `${LABELS[action]} ${member.email}`;

/**
 * The first action as a button, the others in a menu hidden until "More" is
 * pressed. The menu is a popover in the top layer (no table cell or scrolling
 * wrapper clips it, and it never stretches its row), placed under its button;
 * it closes after an action, on Escape (focus back on "More"), on a click
 * elsewhere and when the page scrolls. Where the Popover API is missing the
 * `hidden` attribute alone shows and hides it.
 */
export function RowActions({
  member,
  actions,
  onAction,
}: {
  member: Member;
  actions: RowAction[];
  onAction: (action: RowAction, member: Member) => void;
}) {
  const [open, setOpen] = useState(false);
  const menuId = useId();
  const root = useRef<HTMLDivElement>(null);
  const toggle = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLUListElement>(null);

  useEffect(() => {
    const list = menu.current;
    if (!list || typeof list.showPopover !== 'function') return;
    if (open && !list.matches(':popover-open')) {
      list.showPopover();
      const anchor = toggle.current?.getBoundingClientRect();
      if (anchor) {
        const width = list.offsetWidth;
        const height = list.offsetHeight;
        const below = anchor.bottom + 4 + height <= window.innerHeight;
        list.style.top = `${below ? anchor.bottom + 4 : Math.max(4, anchor.top - 4 - height)}px`;
        list.style.left = `${Math.min(Math.max(4, anchor.right - width), window.innerWidth - width - 4)}px`;
      }
    }
    if (!open && list.matches(':popover-open')) list.hidePopover();
  }, [open]);

  useEffect(() => {
    if (!open) return;
    const outside = (event: MouseEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    const onEscape = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      setOpen(false);
      toggle.current?.focus();
    };
    const onScroll = () => setOpen(false);
    document.addEventListener('mousedown', outside);
    document.addEventListener('keydown', onEscape);
    window.addEventListener('scroll', onScroll, true);
    window.addEventListener('resize', onScroll);
    return () => {
      document.removeEventListener('mousedown', outside);
      document.removeEventListener('keydown', onEscape);
      window.removeEventListener('scroll', onScroll, true);
      window.removeEventListener('resize', onScroll);
    };
  }, [open]);

  if (actions.length === 0) return null;
  const [first, ...more] = actions;
  return (
    <div className="row-actions" ref={root}>
      {first ? (
        <button type="button" aria-label={actionLabel(first, member)} onClick={() => onAction(first, member)}>
          {LABELS[first]}
        </button>
      ) : null}
      {more.length > 0 ? (
        <div className="menu">
          <button
            ref={toggle}
            type="button"
            aria-expanded={open}
            aria-controls={menuId}
            aria-label={`More actions for ${member.email}`}
            onClick={() => setOpen((o) => !o)}
          >
            More <span aria-hidden="true">▾</span>
          </button>
          <ul id={menuId} ref={menu} className="menu-list" popover="manual" hidden={!open}>
            {more.map((action) => (
              <li key={action}>
                <button
                  type="button"
                  className={DESTRUCTIVE.has(action) ? 'danger-text' : undefined}
                  aria-label={actionLabel(action, member)}
                  onClick={() => {
                    setOpen(false);
                    onAction(action, member);
                  }}
                >
                  {LABELS[action]}
                </button>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}
