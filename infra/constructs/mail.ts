/**
 * The SES identity invitation and welcome emails are sent from: the sender
 * address itself, or its whole domain when one is given (Easy DKIM; its
 * three CNAME records must then be published in the domain's DNS).
 */
import { EmailIdentity, Identity } from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';

export interface MailProps {
  /** The From address, e.g. `no-reply@example.com`. */
  readonly from: string;
  /** Verify this domain instead of the single address; `from` must belong to it. */
  readonly domain?: string;
}

export class RosterMail extends Construct {
  readonly identity: EmailIdentity;
  readonly from: string;

  constructor(scope: Construct, id: string, props: MailProps) {
    super(scope, id);
    const { from, domain } = props;
    if (domain && !from.toLowerCase().endsWith(`@${domain.toLowerCase()}`)) {
      throw new Error(`mailFrom (${from}) must be an address in mailDomain (${domain})`);
    }
    this.from = from;
    this.identity = new EmailIdentity(this, 'Identity', {
      identity: domain ? Identity.domain(domain) : Identity.email(from),
    });
  }
}
