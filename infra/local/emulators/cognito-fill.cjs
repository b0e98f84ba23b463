/**
 * Preloaded into cognito-local (`node -r`, see cognito.ts): two gaps of
 * cognito-local 5.3 that the MFA flows meet, filled with the same data it
 * keeps, so the local stack behaves as Cognito does there. Nothing else of
 * the emulator changes.
 *
 * - cognito-local lacks AdminSetUserMFAPreference (it answers 500
 *   Unsupported); this file provides it, by UserPoolId + Username, with SetUserMFAPreference's own rules (an
 *   admin's MFA reset turns software-token MFA off).
 * - RespondToAuthChallenge does not store the refresh token it returns, so
 *   REFRESH_TOKEN_AUTH with it fails: after a successful answer the token is
 *   stored as InitiateAuth stores its own (a session that passed the TOTP
 *   step refreshes and resumes like any other).
 */
const { Targets } = require('cognito-local/lib/targets/targets.js');
const { InvalidParameterError, UserNotFoundError } = require('cognito-local/lib/errors.js');

Targets.AdminSetUserMFAPreference =
  ({ cognito }) =>
  async (ctx, req) => {
    const userPool = await cognito.getUserPool(ctx, req.UserPoolId);
    const user = await userPool.getUserByUsername(ctx, req.Username);
    if (!user) throw new UserNotFoundError('User does not exist.');
    const software = req.SoftwareTokenMfaSettings;
    if (software?.Enabled && !user.SoftwareTokenMfaConfiguration?.Verified) {
      throw new InvalidParameterError('User has not verified software token MFA');
    }
    const methods = new Set(user.UserMFASettingList ?? []);
    if (software) {
      if (software.Enabled) methods.add('SOFTWARE_TOKEN_MFA');
      else methods.delete('SOFTWARE_TOKEN_MFA');
    }
    await userPool.saveUser(ctx, {
      ...user,
      UserMFASettingList: [...methods],
      PreferredMfaSetting:
        software?.PreferredMfa && methods.has('SOFTWARE_TOKEN_MFA') ? 'SOFTWARE_TOKEN_MFA' : undefined,
      // Turned off: the old secret no longer signs in (a new association starts over, as in Cognito).
      ...(software && !software.Enabled ? { SoftwareTokenMfaConfiguration: undefined } : {}),
    });
    return {};
  };

const respond = Targets.RespondToAuthChallenge;
Targets.RespondToAuthChallenge = (services) => {
  const inner = respond(services);
  return async (ctx, req) => {
    const out = await inner(ctx, req);
    const token = out?.AuthenticationResult?.RefreshToken;
    if (token) {
      const userPool = await services.cognito.getUserPoolForClientId(ctx, req.ClientId);
      const user = await userPool.getUserByUsername(ctx, req.ChallengeResponses.USERNAME);
      if (user) await userPool.storeRefreshToken(ctx, token, user);
    }
    return out;
  };
};
