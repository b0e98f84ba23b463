/**
 * Events for other systems: the Roster event bus, fed by an EventBridge pipe
 * from the table's stream. The pipe keeps only new audit items, has its
 * enrichment function turn each into the plain-JSON event detail, and puts it
 * on the bus (source `roster`, detail-type = the audit action) with the
 * filter, enrichment and template of lib/events/audit-events.ts — the ones
 * the local stack applies too. An audit item is written in the same
 * transaction as its change, so an event exists if and only if the change
 * committed. Records the pipe cannot deliver after its retries go to a queue.
 */
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnPipe } from 'aws-cdk-lib/aws-pipes';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { RETRY_QUEUE_URL_VARIABLE } from '../../lib/aws/webhook-retry-queue.ts';
import {
  AUDIT_ITEM_FILTER,
  DETAIL_TEMPLATE,
  DETAIL_TYPE_PATH,
  ENRICHMENT,
  EVENT_SOURCE,
  TIME_PATH,
  WEBHOOK_FAN_OUT,
} from '../../lib/events/audit-events.ts';
import { type FunctionResources, RosterFunction } from './functions.ts';

export interface EventsProps {
  /** The Roster table; its stream must be enabled with new images. */
  readonly table: Table;
  /** For the enrichment function (it uses none of them: only the shared function defaults). */
  readonly resources: FunctionResources;
  /** The deliverWebhooks job (the due sweep, a role of its own): it also queues the retries it makes. */
  readonly webhookSweep?: RosterFunction;
}

export class RosterEvents extends Construct {
  readonly bus: EventBus;
  readonly pipe: CfnPipe;
  readonly undelivered: Queue;
  readonly enrichment: RosterFunction;
  /** Webhooks (issue 21): every event of the bus → this queue → the fan-out function. */
  readonly webhookQueue: Queue;
  readonly webhookDeadLetters: Queue;
  readonly webhookFanOut: RosterFunction;
  /** Retries due within 15 min: SQS messages with that DelaySeconds → the fan-out function. */
  readonly webhookRetries: Queue;

  constructor(scope: Construct, id: string, props: EventsProps) {
    super(scope, id);
    const streamArn = props.table.tableStreamArn;
    if (!streamArn) throw new Error('RosterEvents needs a table with a stream');

    this.bus = new EventBus(this, 'Bus', { description: 'Roster: one event per audited change (source roster)' });
    this.undelivered = new Queue(this, 'Undelivered', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.undelivered).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the dead-letter queue of the events pipe (stream records it could not publish); a DLQ of a DLQ would only move the problem.',
    });
    const logs = new LogGroup(this, 'PipeLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // The pipe's own role: read this table's stream, publish to this bus, dead-letter to this queue, log.
    const role = new Role(this, 'PipeRole', {
      assumedBy: new ServicePrincipal('pipes.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    });
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: [
          'dynamodb:DescribeStream',
          'dynamodb:GetRecords',
          'dynamodb:GetShardIterator',
          'dynamodb:ListStreams',
        ],
        resources: [streamArn],
      }),
    );
    this.bus.grantPutEventsTo(role);
    this.enrichment = new RosterFunction(this, ENRICHMENT.id, {
      entry: ENRICHMENT.entry,
      uses: {},
      resources: props.resources,
      description: 'Events pipe enrichment: audit items from the table stream to plain-JSON event details',
    });
    // This function only (grantInvoke would add its versions, `<arn>:*`, which the pipe never calls).
    role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.enrichment.fn.functionArn] }),
    );
    this.undelivered.grantSendMessages(role);
    logs.grantWrite(role);

    this.pipe = new CfnPipe(this, 'Pipe', {
      description: 'Roster audit items (table stream) to the Roster event bus',
      roleArn: role.roleArn,
      source: streamArn,
      sourceParameters: {
        dynamoDbStreamParameters: {
          // A new pipe starts from the oldest record still in the stream (24 h): nothing committed is skipped.
          startingPosition: 'TRIM_HORIZON',
          batchSize: 10,
          maximumRetryAttempts: 10,
          deadLetterConfig: { arn: this.undelivered.queueArn },
        },
        filterCriteria: { filters: [{ pattern: JSON.stringify(AUDIT_ITEM_FILTER) }] },
      },
      enrichment: this.enrichment.fn.functionArn,
      target: this.bus.eventBusArn,
      targetParameters: {
        inputTemplate: DETAIL_TEMPLATE,
        eventBridgeEventBusParameters: { source: EVENT_SOURCE, detailType: DETAIL_TYPE_PATH, time: TIME_PATH },
      },
      logConfiguration: { level: 'ERROR', cloudwatchLogsLogDestination: { logGroupArn: logs.logGroupArn } },
    });
    // The pipe validates its role's permissions when it is created.
    this.pipe.node.addDependency(role);

    // ── Webhooks: bus → rule → queue → fan-out (one delivery per subscribed endpoint, first attempt at once).
    // Retries due within 15 min (5 s, 5 min) are queued with that delay (below); the deliverWebhooks job (every
    // minute, from the table's due list) makes the longer ones and any whose message was lost.
    this.webhookDeadLetters = new Queue(this, 'WebhookDeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.webhookDeadLetters).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter queue of the webhook fan-out queue.',
    });
    this.webhookQueue = new Queue(this, 'WebhookEvents', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(4),
      // Six times the function's time-out (AWS's advice for a Lambda event source).
      visibilityTimeout: Duration.minutes(6),
      deadLetterQueue: { queue: this.webhookDeadLetters, maxReceiveCount: 5 },
    });
    new Rule(this, 'WebhookRule', {
      eventBus: this.bus,
      description: 'Every Roster event to the webhook fan-out queue',
      eventPattern: { source: [EVENT_SOURCE] },
      targets: [new SqsQueue(this.webhookQueue)],
    });
    this.webhookFanOut = new RosterFunction(this, WEBHOOK_FAN_OUT.id, {
      entry: WEBHOOK_FAN_OUT.entry,
      uses: WEBHOOK_FAN_OUT.uses,
      resources: props.resources,
      description: 'Webhooks: each event to one delivery per subscribed endpoint, attempted at once',
      // A batch of events to endpoints that may each take 15 s.
      timeout: Duration.minutes(1),
      // Its queue's grants stay its own.
      ownRole: true,
    });
    this.webhookFanOut.fn.addEventSource(
      new SqsEventSource(this.webhookQueue, {
        batchSize: 10,
        maxBatchingWindow: Duration.seconds(1),
        reportBatchItemFailures: true,
        // Bounded: a tenant's dead endpoints hold at most these; the due sweep is a separate function.
        maxConcurrency: 20,
      }),
    );

    // ── Webhook retries: a failed attempt whose next retry is due within 15 min is sent here with that
    // DelaySeconds (per message; the queue adds none) and attempted when it arrives, under the same claim as the sweep.
    // Its dead letters go to the same DLQ as the fan-out queue's (one alarm; an SQS redrive returns each message to
    // its own source queue), which also keeps the parent template within its budget (test/infra/areas.test.ts).
    this.webhookRetries = new Queue(this, 'WebhookRetries', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // A message is useful for minutes: the sweep makes any attempt whose message is late or lost.
      retentionPeriod: Duration.hours(1),
      // Six times the consumer's time-out, as the fan-out queue.
      visibilityTimeout: Duration.minutes(6),
      deadLetterQueue: { queue: this.webhookDeadLetters, maxReceiveCount: 5 },
    });
    // The fan-out function consumes it too (its own role; the message's shape says which kind it is).
    this.webhookFanOut.fn.addEventSource(
      new SqsEventSource(this.webhookRetries, { batchSize: 10, reportBatchItemFailures: true, maxConcurrency: 20 }),
    );
    for (const sender of [this.webhookFanOut, ...(props.webhookSweep ? [props.webhookSweep] : [])]) {
      this.grantRetries(sender);
    }
    new Alarm(this, 'WebhookDeadLettersAlarm', {
      alarmDescription:
        'Webhook events or queued retries the fan-out could not process after 5 receipts (docs/operations.md, Webhooks)',
      metric: this.webhookDeadLetters.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    new Alarm(this, 'WebhookQueueAgeAlarm', {
      alarmDescription: 'Webhook events wait more than 5 minutes for fan-out (docs/operations.md, Webhooks)',
      metric: this.webhookQueue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(5) }),
      threshold: 300,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }

  /** `fn` (a role of its own) may queue retries: SendMessage on the retry queue only, and knows its URL. */
  private grantRetries(fn: RosterFunction): void {
    fn.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.webhookRetries.queueArn] }),
    );
    fn.fn.addEnvironment(RETRY_QUEUE_URL_VARIABLE, this.webhookRetries.queueUrl);
  }
}
