/**
 * Extra permissions in the invite, new-user and edit dialogs: each permission
 * in the catalogue's own words (GET /v1/permissions), those the chosen role
 * already includes ticked and disabled ("Included in Manager"), and an
 * optional "until" date per grant (the API's `{permission, expiresAt}`).
 */
import { useId } from 'react';
import type { Catalogue, Permission } from '../../data/tenant';
import type { Member } from '../../data/users';
import { when } from '../../ui/format';

type Grant = Member['grants'][number];
/** Permission → its end (ISO), or null: permanent. */
export type GrantMap = ReadonlyMap<string, string | null>;

export const grantPermission = (g: Grant): string => (typeof g === 'string' ? g : g.permission);

export function grantMap(grants: readonly Grant[] | undefined): Map<string, string | null> {
  return new Map((grants ?? []).map((g) => [grantPermission(g), typeof g === 'string' ? null : g.expiresAt]));
}

/** The grants as the API takes them, in the catalogue's order (permanent: the bare permission). */
export function grantsOf(map: GrantMap, catalogue: Catalogue | undefined): Grant[] {
  const order = catalogue?.resources.flatMap((r) => r.actions.map((a) => a.permission)) ?? [];
  const known = order.filter((p) => map.has(p));
  return known.map((permission) => {
    const expiresAt = map.get(permission) ?? null;
    return expiresAt ? ({ permission, expiresAt } as Grant) : (permission as Grant);
  });
}

const pad = (n: number) => String(n).padStart(2, '0');
/** A date input's value (the person's own calendar day) for an instant. */
export function localDay(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
/** The end of that day on the person's clock, as the API's instant. */
export function endOfDay(value: string): string | null {
  const d = new Date(`${value}T23:59:59.999`);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

const resourceName = (resource: string) => resource.charAt(0).toUpperCase() + resource.slice(1).replace('_', ' ');

export function GrantsField({
  catalogue,
  grants,
  onChange,
  included,
  includedBy,
  can,
}: {
  catalogue: Catalogue;
  grants: GrantMap;
  onChange: (grants: Map<string, string | null>) => void;
  /** What the chosen role already gives. */
  included: ReadonlySet<string>;
  /** The role's name, as a person reads it ("Manager", or the template's name). */
  includedBy: string;
  can: (permission: Permission) => boolean;
}) {
  const id = useId();
  const today = localDay(new Date().toISOString());
  const extra = [...grants.keys()].filter((p) => !included.has(p)).length;
  const set = (permission: string, value: string | null | undefined) => {
    const next = new Map(grants);
    if (value === undefined) next.delete(permission);
    else next.set(permission, value);
    onChange(next);
  };
  return (
    <details className="grants">
      <summary>Extra permissions{extra > 0 ? ` (${extra})` : ''}</summary>
      <p className="hint">
        Granted on top of the role, for good or until the end of a day you choose. Ticked and greyed: the role already
        includes it. Greyed and empty: you don't hold it, so you can't give it.
      </p>
      {catalogue.resources.map((resource) => (
        <fieldset key={resource.resource}>
          <legend>
            {resourceName(resource.resource)}
            {resource.requiresCrmAccess ? <span className="hint"> (only with CRM access)</span> : null}
          </legend>
          <div className="grant-list">
            {resource.actions.map((a) => {
              const box = `${id}-${a.permission}`;
              const inRole = included.has(a.permission);
              const held = grants.has(a.permission);
              const expiresAt = grants.get(a.permission) ?? null;
              const hint = inRole
                ? `Included in ${includedBy}`
                : held && expiresAt
                  ? `Until ${when(expiresAt)}`
                  : undefined;
              return (
                <div className="grant" key={a.permission}>
                  <div className="check">
                    <input
                      id={box}
                      type="checkbox"
                      name="grants"
                      value={a.permission}
                      checked={inRole || held}
                      disabled={inRole || (!can(a.permission) && !held)}
                      aria-describedby={hint ? `${box}-hint` : undefined}
                      onChange={(e) => set(a.permission, e.target.checked ? null : undefined)}
                    />
                    <label htmlFor={box}>{a.description}</label>
                    {hint ? (
                      <p className="hint" id={`${box}-hint`}>
                        {hint}
                      </p>
                    ) : null}
                  </div>
                  {held && !inRole ? (
                    <div className="until">
                      <label htmlFor={`${box}-until`}>
                        Until<span className="visually-hidden"> ({a.description})</span>
                      </label>
                      <input
                        id={`${box}-until`}
                        type="date"
                        min={today}
                        value={localDay(expiresAt)}
                        onChange={(e) => set(a.permission, e.target.value ? endOfDay(e.target.value) : null)}
                      />
                      <span className="hint">{expiresAt ? '' : 'empty: for good'}</span>
                    </div>
                  ) : null}
                </div>
              );
            })}
          </div>
        </fieldset>
      ))}
    </details>
  );
}
