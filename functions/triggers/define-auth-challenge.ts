import type { Context, DefineAuthChallengeTriggerEvent } from 'aws-lambda';
import { withLogContext } from '../../lib/log.ts';

/**
 * Cognito custom authentication, step 1 (docs/architecture.md, "Single
 * sign-on"): the only custom flow is an SSO sign-in's one-time proof. One
 * challenge; a correct answer issues tokens; anything else fails.
 */
export function handler(
  event: DefineAuthChallengeTriggerEvent,
  context?: Context,
): Promise<DefineAuthChallengeTriggerEvent> {
  return withLogContext(context, {}, async () => {
    const session = event.request.session ?? [];
    const last = session.at(-1);
    if (session.length === 0) {
      event.response.challengeName = 'CUSTOM_CHALLENGE';
      event.response.issueTokens = false;
      event.response.failAuthentication = false;
    } else if (session.length === 1 && last?.challengeName === 'CUSTOM_CHALLENGE' && last.challengeResult === true) {
      event.response.issueTokens = true;
      event.response.failAuthentication = false;
    } else {
      event.response.issueTokens = false;
      event.response.failAuthentication = true;
    }
    return event;
  });
}
