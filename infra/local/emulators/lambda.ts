/**
 * The local Lambda service (infra/local/lambda.ts): a child process that
 * serves the Lambda Invoke API for the TRIGGERS handlers — cognito-local calls
 * the user pool triggers through it — and the KMS Decrypt of the custom email
 * sender's codes, with the environment the stack gives a trigger.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type Child, type EmulatorName, launch, resolveModule } from './process.ts';

const SERVICE = fileURLToPath(new URL('../lambda.ts', import.meta.url));

/** Starts the local Lambda service on `port`, the triggers' environment in `spawnOptions.env`. */
export function launchLambdaService(
  port: number,
  spawnOptions: { cwd: string; env: NodeJS.ProcessEnv },
  onLog?: (source: EmulatorName, line: string) => void,
): Child {
  return launch(
    'lambda',
    process.execPath,
    ['--import', pathToFileURL(resolveModule('tsx')).href, SERVICE, String(port)],
    spawnOptions,
    onLog,
  );
}
