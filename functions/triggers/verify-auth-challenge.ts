import type { Context, VerifyAuthChallengeResponseTriggerEvent } from 'aws-lambda';
import { logger, withLogContext } from '../../lib/log.ts';
import { consumeSsoProof } from '../../lib/store/sso.ts';

/**
 * Cognito custom authentication, step 3: the answer is correct only if it is
 * an unexpired SSO proof written for this very login, and consuming it (a
 * conditional delete) succeeds — so each proof signs in at most once.
 */
export function handler(
  event: VerifyAuthChallengeResponseTriggerEvent,
  context?: Context,
): Promise<VerifyAuthChallengeResponseTriggerEvent> {
  return withLogContext(context, {}, async () => {
    const sub = event.request.userAttributes.sub ?? '';
    const answer = event.request.challengeAnswer ?? '';
    let correct = false;
    try {
      correct = sub !== '' && (await consumeSsoProof(answer, sub, new Date()));
    } catch (error) {
      logger.error('SSO proof not checked', { error: error as Error });
    }
    event.response.answerCorrect = correct;
    return event;
  });
}
