/**
 * The local stand-in for the EventBridge pipe: polls DynamoDB Local's stream
 * of the table (DescribeStream, GetShardIterator, GetRecords) and turns each
 * record into the event the pipe would publish, with the same filter and
 * template (lib/events/audit-events.ts). The last events are kept for the
 * gateway's `GET /local/events`; each one is also handed to `onEvent`.
 */
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import { type RosterEvent, type StreamRecord, toEvent } from '../../lib/events/audit-events.ts';

export interface EventFeedOptions {
  /** DynamoDB Local's endpoint (it serves the Streams API too). */
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  tableName: string;
  onEvent?: (event: RosterEvent) => void;
  onError?: (message: string) => void;
  /** @default 250 */
  intervalMs?: number;
  /** Events kept for GET /local/events. @default 1000 */
  keep?: number;
}

export interface EventFeed {
  /** The kept events, oldest first. */
  events(): readonly RosterEvent[];
  stop(): Promise<void>;
}

export async function startEventFeed(options: EventFeedOptions): Promise<EventFeed> {
  const config = { endpoint: options.endpoint, region: options.region, credentials: options.credentials };
  const streams = new DynamoDBStreamsClient(config);
  const { Table } = await new DynamoDBClient(config).send(new DescribeTableCommand({ TableName: options.tableName }));
  const streamArn = Table?.LatestStreamArn;
  if (!streamArn) throw new Error(`Table ${options.tableName} has no stream`);
  const keep = options.keep ?? 1000;
  const kept: RosterEvent[] = [];
  /** shard id → next iterator; null once the shard is closed and drained. */
  const shards = new Map<string, string | null>();
  let stopped = false;
  let lastError = '';

  async function discover(): Promise<void> {
    let start: string | undefined;
    do {
      const { StreamDescription } = await streams.send(
        new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: start }),
      );
      for (const shard of StreamDescription?.Shards ?? []) {
        if (!shard.ShardId || shards.has(shard.ShardId)) continue;
        const { ShardIterator } = await streams.send(
          new GetShardIteratorCommand({
            StreamArn: streamArn,
            ShardId: shard.ShardId,
            ShardIteratorType: 'TRIM_HORIZON',
          }),
        );
        shards.set(shard.ShardId, ShardIterator ?? null);
      }
      start = StreamDescription?.LastEvaluatedShardId;
    } while (start);
  }

  async function drain(shardId: string, iterator: string): Promise<void> {
    const out = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
    for (const record of out.Records ?? []) {
      const event = toEvent(record as StreamRecord);
      if (!event) continue;
      kept.push(event);
      if (kept.length > keep) kept.shift();
      options.onEvent?.(event);
    }
    shards.set(shardId, out.NextShardIterator ?? null);
  }

  async function poll(): Promise<void> {
    await discover();
    for (const [shardId, iterator] of shards) if (iterator) await drain(shardId, iterator);
  }

  let pending = Promise.resolve();
  const timer = setInterval(() => {
    pending = pending
      .then(() => (stopped ? undefined : poll()))
      .then(() => {
        lastError = '';
      })
      .catch((error: unknown) => {
        const message = `event feed: ${error instanceof Error ? error.message : String(error)}`;
        if (message !== lastError) options.onError?.(message);
        lastError = message;
      });
  }, options.intervalMs ?? 250);
  await poll();

  return {
    events: () => kept,
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await pending;
      streams.destroy();
    },
  };
}

/** The feed over the emulators' environment (the same variables the handlers get). */
export function startLocalEventFeed(
  env: {
    AWS_ENDPOINT_URL_DYNAMODB: string;
    AWS_REGION: string;
    AWS_ACCESS_KEY_ID: string;
    AWS_SECRET_ACCESS_KEY: string;
    TABLE_NAME: string;
  },
  handlers: Pick<EventFeedOptions, 'onEvent' | 'onError'> = {},
): Promise<EventFeed> {
  return startEventFeed({
    endpoint: env.AWS_ENDPOINT_URL_DYNAMODB,
    region: env.AWS_REGION,
    credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY },
    tableName: env.TABLE_NAME,
    ...handlers,
  });
}
