import type { Context, CustomEmailSenderTriggerEvent } from 'aws-lambda';
import { sendAccountMail } from '../../lib/aws/account-mail.ts';
import { decryptCode } from '../../lib/aws/sender-code.ts';
import { logger, withLogContext } from '../../lib/log.ts';

/**
 * Cognito custom email sender: every email Cognito would send (the
 * forgot-password code above all) goes out in Roster's words through
 * Roster's SES sender. A failure is thrown: Cognito then reports the
 * delivery failed, rather than the person waiting for a code that never comes.
 */
export function handler(event: CustomEmailSenderTriggerEvent, context?: Context): Promise<void> {
  return withLogContext(context, {}, () => send(event));
}

async function send(event: CustomEmailSenderTriggerEvent): Promise<void> {
  const attributes = event.request.userAttributes as Record<string, string | undefined>;
  const to = attributes.email;
  if (!to || !event.request.code) {
    logger.warn('custom email sender without an address or a code', { triggerSource: event.triggerSource });
    return;
  }
  const code = await decryptCode(event.request.code);
  await sendAccountMail({ source: event.triggerSource, to, name: attributes.name, code });
  logger.info('account email sent', { triggerSource: event.triggerSource });
}
