/**
 * Setting up two-factor authentication (TOTP) for the signed-in person: the
 * secret as a QR code for an authenticator app (and as text to type), then
 * the app's first code. The console sends people here when an organisation's
 * policy requires it (`required=1`), and My profile links here; `next` is
 * where they go afterwards (a path of this origin only).
 */
import { useQueryClient } from '@tanstack/react-query';
import QRCode from 'qrcode';
import { type FormEvent, useEffect, useState } from 'react';
import { refreshSession } from '../api/client';
import { ApiProblem, describe } from '../api/problem';
import { useSession } from '../api/session';
import { startTotpSetup, verifyTotp } from '../data/mfa';
import { Link, navigate, useLocation } from '../router';
import { ErrorText } from '../ui/Dialog';
import { TextField } from '../ui/Field';
import { PageShell } from './PageShell';
import { nextPath } from './SignIn';

/** The secret in groups of four, as people read and type it. */
export const groupedSecret = (secret: string): string => secret.replace(/(.{4})(?=.)/g, '$1 ');

export function TwoFactorSetupPage() {
  const { path, query } = useLocation();
  const session = useSession();
  const client = useQueryClient();
  const next = nextPath(query);
  const required = query.get('required') === '1';
  const [setup, setSetup] = useState<{ secret: string; otpauthUri: string; qr: string }>();
  const [error, setError] = useState<string>();
  const [codeError, setCodeError] = useState<string>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (session.signedIn) return;
    const back = `/sign-in?next=${encodeURIComponent(`${path}?${query}`)}`;
    if (!session.resumable) return navigate(back, { replace: true });
    void refreshSession().then((resumed) => {
      if (!resumed) navigate(back, { replace: true });
    });
  }, [session.signedIn, session.resumable, path, query]);

  useEffect(() => {
    if (!session.signedIn || setup) return;
    let live = true;
    startTotpSetup()
      .then(async (s) => {
        const qr = await QRCode.toDataURL(s.otpauthUri, { margin: 1, width: 220 });
        if (live) setSetup({ ...s, qr });
      })
      .catch((e) => {
        if (!live) return;
        setError(
          e instanceof ApiProblem && e.status === 409
            ? 'Two-factor authentication is already set up for your login. If you lost your device, ask an admin to reset it.'
            : describe(e),
        );
      });
    return () => {
      live = false;
    };
  }, [session.signedIn, setup]);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const code = String(new FormData(event.currentTarget).get('code') ?? '').replace(/\s/g, '');
    if (!/^\d{6}$/.test(code)) return setCodeError('Enter the six digits the app shows.');
    setCodeError(undefined);
    setBusy(true);
    try {
      await verifyTotp(code);
      await client.invalidateQueries();
      navigate(next, { replace: true });
    } catch (e) {
      const field = e instanceof ApiProblem ? e.fieldError('code') : undefined;
      if (field) setCodeError('That code is not correct; check the app and try the current one.');
      else setError(describe(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <PageShell title="Set up two-factor authentication">
      {required ? (
        <p className="notice" role="status">
          Your organisation requires two-factor authentication. Set it up to continue.
        </p>
      ) : null}
      <p>
        From now on, signing in will also ask for a six-digit code from an authenticator app on your phone (for example
        Google Authenticator, Microsoft Authenticator or 1Password).
      </p>
      {error ? <ErrorText>{error}</ErrorText> : null}
      {setup ? (
        <ol className="steps">
          <li>
            <p>Scan this code with the app:</p>
            <img
              src={setup.qr}
              width={220}
              height={220}
              alt="QR code for adding Roster to your authenticator app"
              className="qr"
            />
          </li>
          <li>
            <p>Or, if you cannot scan, enter this setup key in the app (time-based):</p>
            <p>
              <code className="secret" data-secret={setup.secret}>
                {groupedSecret(setup.secret)}
              </code>
            </p>
          </li>
          <li>
            <p>Enter the six-digit code the app now shows:</p>
            <form onSubmit={submit}>
              <TextField
                label="Code from the app"
                name="code"
                inputMode="numeric"
                autoComplete="one-time-code"
                pattern="[0-9 ]*"
                maxLength={7}
                required
                error={codeError}
              />
              <button type="submit" className="primary" disabled={busy}>
                {busy ? 'Checking…' : 'Turn on two-factor authentication'}
              </button>
            </form>
          </li>
        </ol>
      ) : !error ? (
        <p role="status">Preparing your key…</p>
      ) : null}
      <p>
        <Link href={next}>{required ? 'Back to the console' : 'Not now'}</Link>
      </p>
    </PageShell>
  );
}
