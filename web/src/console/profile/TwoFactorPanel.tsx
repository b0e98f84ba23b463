/** My profile's two-factor authentication: on (since when) or off, with the way to set it up. */
import { setupPath } from '../../data/mfa';
import { Link } from '../../router';
import { when } from '../../ui/format';

export function TwoFactorPanel({ enrolledAt, loaded }: { enrolledAt: string | null | undefined; loaded: boolean }) {
  return (
    <section className="panel" aria-labelledby="mfa-title">
      <h2 id="mfa-title">Two-factor authentication</h2>
      {!loaded ? (
        <p role="status">Loading…</p>
      ) : enrolledAt ? (
        <p>
          <strong>On</strong> since {when(enrolledAt)}: every sign-in asks for a code from your authenticator app. Lost
          your device? An admin of your organisation can reset it.
        </p>
      ) : (
        <>
          <p>
            <strong>Off.</strong> Add a code from an authenticator app to every sign-in, so a stolen password alone
            cannot open your account.
          </p>
          <p>
            <Link href={setupPath('/profile')} className="button">
              Set up two-factor authentication
            </Link>
          </p>
        </>
      )}
    </section>
  );
}
