/**
 * What the global setup hands to test workers (vitest `provide`/`inject`):
 * the emulators' env, their URLs, the Cognito pool and a platform key.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { inject } from 'vitest';
import type { CognitoInfo, LocalEmulators, LocalEnv } from '../../infra/local/emulators.ts';

export interface LocalStackInfo {
  env: LocalEnv;
  urls: LocalEmulators['urls'];
  cognito: CognitoInfo;
  cognitoDir: string;
  platformKey: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    localStack: LocalStackInfo;
  }
}

export const localStack = (): LocalStackInfo => inject('localStack');

/**
 * The code cognito-local last issued to `email` (ForgotPassword): in AWS it is
 * emailed by Cognito; cognito-local only prints it and keeps it in its files.
 */
export async function cognitoCode(email: string): Promise<string | undefined> {
  const { cognitoDir, cognito } = localStack();
  const file = join(cognitoDir, '.cognito', 'db', `${cognito.userPoolId}.json`);
  type Db = {
    Users?: Record<string, { Attributes: { Name: string; Value: string }[]; ConfirmationCode?: string }>;
  };
  // cognito-local rewrites the file in place: a read can catch it half-written; read again until it parses.
  let db: Db | undefined;
  for (let attempt = 0; db === undefined; attempt++) {
    try {
      db = JSON.parse(await readFile(file, 'utf8')) as Db;
    } catch (error) {
      if (!(error instanceof SyntaxError) || attempt >= 50) throw error;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  const user = Object.values(db.Users ?? {}).find((u) =>
    u.Attributes.some((a) => a.Name === 'email' && a.Value === email),
  );
  return user?.ConfirmationCode;
}
