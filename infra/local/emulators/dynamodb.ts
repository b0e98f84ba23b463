/**
 * DynamoDB Local: the AWS jar shipped in `amplify-dynamodb-simulator`, run on
 * Java 17+, and the single table created in it as the stack defines it.
 *
 * DynamoDB Local has no bind-address option and listens on all interfaces;
 * clients use 127.0.0.1. It runs in memory with `-sharedDb`, so every
 * credential/region sees the same tables.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient, ProjectionType, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { INDEXES, KEY_ATTRIBUTES, TABLE_KEYS, TTL_ATTRIBUTE } from '../../../lib/store/table.ts';
import { type Child, CREDENTIALS, type EmulatorName, LocalStackError, launch, packageDir, REGION } from './process.ts';

export function javaCommand(): string {
  return process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
}

const JAVA_MISSING =
  'Java 17+ is required for DynamoDB Local: install it with `apt-get install -y openjdk-17-jre-headless`.';

export function assertJava(java: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(java, ['-version'], { timeout: 20_000 }, (error, _stdout, stderr) => {
      if (error) return reject(new LocalStackError(JAVA_MISSING));
      // `openjdk version "17.0.15"`, `java version "1.8.0_382"`
      const version = /version "(\d+)(?:\.(\d+))?/.exec(stderr);
      const major = version ? Number(version[1] === '1' ? version[2] : version[1]) : 0;
      if (major < 17) {
        return reject(new LocalStackError(`${JAVA_MISSING.replace(':', ` (found Java ${major || 'unknown'}):`)}`));
      }
      resolve();
    });
  });
}

/** Starts DynamoDB Local in memory on `port` (every interface: it has no bind-address option). */
export function launchDynamoDb(
  java: string,
  port: number,
  spawnOptions: { cwd: string; env: NodeJS.ProcessEnv },
  onLog?: (source: EmulatorName, line: string) => void,
): Child {
  const dynamoJar = join(packageDir('amplify-dynamodb-simulator'), 'emulator');
  return launch(
    'dynamodb',
    java,
    [
      // C1 only + serial GC: half the startup time, and faster for short runs (measured).
      '-XX:TieredStopAtLevel=1',
      '-XX:+UseSerialGC',
      `-Djava.library.path=${join(dynamoJar, 'DynamoDBLocal_lib')}`,
      '-jar',
      join(dynamoJar, 'DynamoDBLocal.jar'),
      '-inMemory',
      '-sharedDb',
      '-disableTelemetry',
      '-port',
      String(port),
    ],
    spawnOptions,
    onLog,
  );
}

/** The single table as the stack defines it (lib/store/table.ts), with its TTL. */
export async function createTable(endpoint: string, tableName: string): Promise<string> {
  const client = new DynamoDBClient({ endpoint, region: REGION, credentials: CREDENTIALS });
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: KEY_ATTRIBUTES.map((name) => ({ AttributeName: name, AttributeType: 'S' })),
        KeySchema: [
          { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
          { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: Object.values(INDEXES).map((index) => ({
          IndexName: index.name,
          KeySchema: [
            { AttributeName: index.partitionKey, KeyType: 'HASH' },
            { AttributeName: index.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: ProjectionType.ALL },
        })),
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      }),
    );
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
      }),
    );
    return tableName;
  } finally {
    client.destroy();
  }
}
