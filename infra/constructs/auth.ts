/**
 * Cognito: one identity per person (username = email, user id = `sub`), no
 * self sign-up — people arrive by invitation or direct creation only.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccountRecovery, FeaturePlan, Mfa, UserPool, type UserPoolClient } from 'aws-cdk-lib/aws-cognito';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

export interface AuthProps {
  /**
   * Allow the server-side ADMIN_USER_PASSWORD_AUTH flow on the app client
   * (only when a function calls `AdminInitiateAuth`).
   */
  readonly adminAuthFlow?: boolean;
}

export class RosterAuth extends Construct {
  readonly userPool: UserPool;
  readonly client: UserPoolClient;
  /** Cognito encrypts the codes it hands the custom email sender trigger with this key. */
  readonly senderKey: Key;

  constructor(scope: Construct, id: string, props: AuthProps = {}) {
    super(scope, id);

    this.senderKey = new Key(this, 'SenderKey', {
      description: 'Roster: Cognito encrypts codes for the custom email sender trigger with it',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.userPool = new UserPool(this, 'UserPool', {
      customSenderKmsKey: this.senderKey,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      selfSignUpEnabled: false,
      standardAttributes: {
        email: { required: true, mutable: true },
        fullname: { required: false, mutable: true },
      },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: false,
        tempPasswordValidity: Duration.days(7),
      },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      // A login that set up TOTP (POST /v1/auth/mfa/totp/…) is asked for its code at every sign-in;
      // whether a tenant requires it of its members is Roster's policy (lib/domain/mfa.ts).
      mfa: Mfa.OPTIONAL,
      mfaSecondFactor: { sms: false, otp: true },
      featurePlan: FeaturePlan.ESSENTIALS,
      deletionProtection: true,
      // Every person's login lives here; never delete it with the stack.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    Validations.of(this.userPool).acknowledge(
      {
        id: 'AwsSolutions-COG1',
        reason:
          'Minimum length is 12 (the rule asks for 8) with upper, lower and digits; symbols are not forced, following NIST SP 800-63B, which favours length over composition rules.',
      },
      {
        id: 'AwsSolutions-COG2',
        reason:
          'MFA is OPTIONAL at the pool (TOTP only): the pool holds logins of many tenants, and each tenant requires it of its own members through its MFA policy (enforced by Roster on every tenant request, DESIGN §1 "Enterprise sign-in"); SSO logins use their identity provider’s factors.',
      },
      {
        id: 'AwsSolutions-COG8',
        reason:
          'Threat protection (Plus plan) is billed per active user and not required for this product; sign-in is by invitation only, with no self sign-up and no account enumeration.',
      },
    );

    this.client = this.userPool.addClient('AppClient', {
      generateSecret: false,
      // Sign-in goes through the API's auth routes, not the Cognito hosted UI.
      disableOAuth: true,
      // ALLOW_REFRESH_TOKEN_AUTH is always added by CDK.
      authFlows: {
        userPassword: true,
        userSrp: true,
        adminUserPassword: props.adminAuthFlow ?? false,
        // SSO sign-ins end in the custom challenge (docs/architecture.md, "Single sign-on").
        custom: true,
      },
      // Unknown email and wrong password look the same (no account enumeration).
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
    });
  }

  /** The JWT issuer API Gateway checks tokens against. */
  get issuer(): string {
    return `https://cognito-idp.${this.userPool.stack.region}.amazonaws.com/${this.userPool.userPoolId}`;
  }
}
