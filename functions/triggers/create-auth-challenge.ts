import type { Context, CreateAuthChallengeTriggerEvent } from 'aws-lambda';
import { withLogContext } from '../../lib/log.ts';

/**
 * Cognito custom authentication, step 2: the challenge carries nothing — the
 * answer is the one-time proof the SSO callback stored (by its hash) for this
 * login, which the verify trigger consumes.
 */
export function handler(
  event: CreateAuthChallengeTriggerEvent,
  context?: Context,
): Promise<CreateAuthChallengeTriggerEvent> {
  return withLogContext(context, {}, async () => {
    event.response.publicChallengeParameters = { kind: 'sso-proof' };
    event.response.privateChallengeParameters = { kind: 'sso-proof' };
    event.response.challengeMetadata = 'SSO_PROOF';
    return event;
  });
}
