/**
 * SES local (aws-ses-v2-local): receives every email the handlers send and
 * shows it on its page (`/`) and as JSON (`/store`).
 */
import { join } from 'node:path';
import { type Child, type EmulatorName, HOST, launch, packageDir } from './process.ts';

/** Starts aws-ses-v2-local on `port`. */
export function launchSes(
  port: number,
  spawnOptions: { cwd: string; env: NodeJS.ProcessEnv },
  onLog?: (source: EmulatorName, line: string) => void,
): Child {
  return launch(
    'ses',
    process.execPath,
    [join(packageDir('aws-ses-v2-local'), 'dist/cli.js'), '--host', HOST, '--port', String(port)],
    spawnOptions,
    onLog,
  );
}

/** Any HTTP answer here means it is up. */
export const sesReadyPath = '/health-check';
