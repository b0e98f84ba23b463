/**
 * The MFA policy (admins only, DESIGN §2a rule 14): require two-factor
 * authentication of every member after a grace period, optionally of SSO
 * sessions too. Requiring it needs the admin to have set it up themselves:
 * until then the panel says so and links to the setup page.
 */
import { type FormEvent, useState } from 'react';
import { describe } from '../../api/problem';
import { setupPath } from '../../data/mfa';
import { useUpdateTenant } from '../../data/settings';
import { useMe } from '../../data/tenant';
import { Link } from '../../router';
import { ErrorText } from '../../ui/Dialog';
import { CheckboxField, SelectField } from '../../ui/Field';
import { when } from '../../ui/format';
import { useConsole } from '../context';

export const GRACE_CHOICES = [0, 1, 3, 7, 14, 30] as const;

export function MfaPanel({ onDone }: { onDone: (s: string) => void }) {
  const { tenantId, me } = useConsole();
  const identity = useMe();
  const update = useUpdateTenant(tenantId);
  const policy = me.tenant.mfa ?? {
    required: false,
    graceDays: 7,
    includeSso: false,
    requiredAt: null,
    enforcedFrom: null,
  };
  const [required, setRequired] = useState(policy.required);
  const [grace, setGrace] = useState(String(policy.graceDays));
  const [includeSso, setIncludeSso] = useState(policy.includeSso);
  const enrolled = identity.data?.mfa?.enrolled ?? false;
  const mustEnrolFirst = required && !policy.required && !enrolled;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const graceDays = Number(grace);
    update.mutate(
      { mfa: { required, graceDays, includeSso } },
      {
        onSuccess: (t) =>
          onDone(
            t.mfa.required
              ? `Two-factor authentication is required: members without it are refused from ${when(t.mfa.enforcedFrom)}.`
              : 'Two-factor authentication is no longer required.',
          ),
      },
    );
  }
  const options = GRACE_CHOICES.includes(policy.graceDays as 0) ? GRACE_CHOICES : [policy.graceDays, ...GRACE_CHOICES];

  return (
    <section className="panel" aria-labelledby="mfa-policy-title">
      <h2 id="mfa-policy-title">Two-factor authentication</h2>
      <p>
        {policy.required
          ? `Required since ${when(policy.requiredAt)}; members without it are refused from ${when(policy.enforcedFrom)} until they set it up.`
          : 'Not required: each member may set it up on their profile.'}
      </p>
      <form onSubmit={submit} className="narrow">
        <CheckboxField
          label="Require two-factor authentication of every member"
          name="required"
          checked={required}
          onChange={(e) => setRequired(e.target.checked)}
          hint="After the grace period, a member without it can only open the page that sets it up."
        />
        <SelectField
          label="Grace period"
          name="graceDays"
          value={grace}
          onChange={(e) => setGrace(e.target.value)}
          hint="Counted from when it becomes required."
        >
          {options.map((d) => (
            <option key={d} value={String(d)}>
              {d === 0 ? 'None — at once' : `${d} day${d === 1 ? '' : 's'}`}
            </option>
          ))}
        </SelectField>
        <CheckboxField
          label="Also for people signing in through SSO"
          name="includeSso"
          checked={includeSso}
          onChange={(e) => setIncludeSso(e.target.checked)}
          hint="Off: your identity provider is trusted with the second factor of SSO sign-ins."
        />
        {mustEnrolFirst ? (
          <p className="notice" role="status">
            Set up two-factor authentication for yourself first:{' '}
            <Link href={setupPath('/settings')}>set it up now</Link>.
          </p>
        ) : null}
        {update.error ? <ErrorText>{describe(update.error)}</ErrorText> : null}
        <button type="submit" className="primary" disabled={update.isPending || mustEnrolFirst}>
          {update.isPending ? 'Saving…' : 'Save two-factor policy'}
        </button>
      </form>
    </section>
  );
}
