/**
 * Online / away from anywhere in the console (the header), not only My
 * profile: a switch, shown at once, undone when the API refuses. Only an
 * active member has an availability to set.
 */
import { useEffect, useState } from 'react';
import { describe } from '../api/problem';
import { useSetAvailability } from '../data/users';
import { useConsole } from './context';

export function AvailabilityToggle() {
  const { tenantId, me } = useConsole();
  const set = useSetAvailability(tenantId);
  const [choice, setChoice] = useState(me.availability);
  const [error, setError] = useState<string>();
  useEffect(() => setChoice(me.availability), [me.availability]);
  if (me.status !== 'active') return null;
  const online = choice === 'online';
  return (
    <>
      <label className={`availability-toggle ${online ? 'is-online' : 'is-away'}`} title={error}>
        <input
          type="checkbox"
          role="switch"
          checked={online}
          aria-checked={online}
          aria-describedby={error ? 'availability-error' : undefined}
          disabled={set.isPending}
          onChange={() => {
            const next = online ? 'away' : 'online';
            setChoice(next);
            setError(undefined);
            set.mutate(
              { userId: me.id, availability: next },
              {
                onError: (e) => {
                  setChoice(me.availability);
                  setError(describe(e));
                },
              },
            );
          }}
        />
        <span>{online ? 'Online' : 'Away'}</span>
      </label>
      {error ? (
        <span id="availability-error" className="visually-hidden" role="alert">
          {error}
        </span>
      ) : null}
    </>
  );
}
