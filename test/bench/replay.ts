/**
 * Sends recorded calls again, directly, with the same client instances the
 * handlers use: the "same DynamoDB calls made directly" of docs/architecture.md. Calls
 * that overlapped in time are sent concurrently again; the rest in order.
 */
import * as cognitoSdk from '@aws-sdk/client-cognito-identity-provider';
import * as dynamoSdk from '@aws-sdk/client-dynamodb';
import * as sesSdk from '@aws-sdk/client-ses';
import * as documentSdk from '@aws-sdk/lib-dynamodb';
import { cognito, dynamo, ses } from '../../lib/aws/clients.ts';
import type { RecordedCall, Service } from './recorder.ts';

/** lib-dynamodb's name for each DynamoDB command it wraps. */
const DOCUMENT_NAMES: Record<string, string> = {
  GetItemCommand: 'GetCommand',
  PutItemCommand: 'PutCommand',
  UpdateItemCommand: 'UpdateCommand',
  DeleteItemCommand: 'DeleteCommand',
  QueryCommand: 'QueryCommand',
  ScanCommand: 'ScanCommand',
  BatchGetItemCommand: 'BatchGetCommand',
  BatchWriteItemCommand: 'BatchWriteCommand',
  TransactGetItemsCommand: 'TransactGetCommand',
  TransactWriteItemsCommand: 'TransactWriteCommand',
  ExecuteStatementCommand: 'ExecuteStatementCommand',
  BatchExecuteStatementCommand: 'BatchExecuteStatementCommand',
  ExecuteTransactionCommand: 'ExecuteTransactionCommand',
};

type CommandClass = new (input: unknown) => object;
type Sender = { send(command: object): Promise<unknown> };

function commandFor(call: RecordedCall): object {
  const module: Record<string, unknown> =
    call.service === 'dynamodb'
      ? call.document
        ? documentSdk
        : dynamoSdk
      : call.service === 'cognito'
        ? cognitoSdk
        : sesSdk;
  const name = call.service === 'dynamodb' && call.document ? DOCUMENT_NAMES[call.command] : call.command;
  const Command = name ? (module[name] as CommandClass | undefined) : undefined;
  if (typeof Command !== 'function') throw new Error(`Cannot replay ${call.service} ${call.command}: unknown command`);
  return new Command(structuredClone(call.input));
}

const clientFor = (service: Service): Sender =>
  (service === 'dynamodb' ? dynamo() : service === 'cognito' ? cognito() : ses()) as unknown as Sender;

/** Groups calls that overlapped in time (they were sent concurrently). */
export function concurrencyGroups(calls: readonly RecordedCall[]): RecordedCall[][] {
  const groups: RecordedCall[][] = [];
  let end = Number.NEGATIVE_INFINITY;
  for (const call of [...calls].sort((a, b) => a.startMs - b.startMs)) {
    const current = groups.at(-1);
    if (current && call.startMs < end) {
      current.push(call);
      end = Math.max(end, call.endMs);
    } else {
      groups.push([call]);
      end = call.endMs;
    }
  }
  return groups;
}

export interface ReplayResult {
  ms: number;
  /** Error names of calls that failed (expected ones, like Cognito's UserNotFoundException, are allowed by the caller). */
  errors: string[];
}

/**
 * Sends `calls` again and returns the wall time. Commands are built before the
 * clock starts, so only the sending is timed — as in the handler, where the
 * input objects exist before `send`.
 */
export async function replay(calls: readonly RecordedCall[]): Promise<ReplayResult> {
  const groups = concurrencyGroups(calls).map((group) =>
    group.map((call) => ({ call, command: commandFor(call), client: clientFor(call.service) })),
  );
  const errors: string[] = [];
  const started = performance.now();
  for (const group of groups) {
    await Promise.all(
      group.map(({ call, command, client }) =>
        client.send(command).catch((error: unknown) => {
          errors.push(`${call.service}:${(error as { name?: string }).name ?? String(error)}`);
        }),
      ),
    );
  }
  return { ms: performance.now() - started, errors };
}
