import type { Context, PostAuthenticationTriggerEvent } from 'aws-lambda';
import { logger, withLogContext } from '../../lib/log.ts';
import { recordLogin } from '../../lib/store/logins.ts';

/**
 * Cognito post-authentication trigger: `lastLoginAt` on every accepted membership of
 * the person who just signed in. Bookkeeping only — a failure here would
 * block the sign-in, so it is logged and the event returned unchanged.
 */
export function handler(
  event: PostAuthenticationTriggerEvent,
  context?: Context,
): Promise<PostAuthenticationTriggerEvent> {
  return withLogContext(context, {}, () => recordSignIn(event));
}

async function recordSignIn(event: PostAuthenticationTriggerEvent): Promise<PostAuthenticationTriggerEvent> {
  const identityId = event.request.userAttributes.sub;
  try {
    if (!identityId) logger.warn('sign-in without a sub attribute', { userName: event.userName });
    else {
      const memberships = await recordLogin(identityId, new Date().toISOString());
      logger.info('sign-in recorded', { identityId, memberships });
    }
  } catch (error) {
    logger.error('lastLoginAt not recorded', { identityId, error: error as Error });
  }
  return event;
}
