/**
 * Scheduled functions from the `JOBS` table: one function per job, invoked by
 * an EventBridge rule on the job's schedule expression.
 */
import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Construct } from 'constructs';
import type { JobDef } from '../../lib/http/routes.ts';
import { METRICS_NAMESPACE, SET_ASIDE_METRIC } from '../../lib/metrics.ts';
import { type FunctionResources, RosterFunction } from './functions.ts';

export interface JobsProps {
  readonly jobs: readonly JobDef[];
  readonly resources: FunctionResources;
}

export class RosterJobs extends Construct {
  readonly functions: ReadonlyMap<string, RosterFunction>;
  /** Per job: any item set aside after its retry cap (docs/operations.md, "Set-aside job items"). */
  readonly setAsideAlarms: ReadonlyMap<string, Alarm>;

  constructor(scope: Construct, id: string, props: JobsProps) {
    super(scope, id);
    const functions = new Map<string, RosterFunction>();
    const alarms = new Map<string, Alarm>();
    for (const job of props.jobs) {
      const fn = new RosterFunction(this, job.id, {
        entry: job.entry,
        uses: job.uses,
        resources: props.resources,
        description: `Scheduled ${job.schedule}: ${job.id}`,
        // Jobs drain work in batches; they are not bound by API Gateway's 30 s.
        timeout: Duration.minutes(5),
        ...(job.ownRole ? { ownRole: true as const } : {}),
      });
      new Rule(this, `${job.id}Schedule`, {
        description: `Runs ${job.id} on ${job.schedule}`,
        schedule: Schedule.expression(job.schedule),
        targets: [new LambdaFunction(fn.fn, { retryAttempts: 2 })],
      });
      functions.set(job.id, fn);
      // The job logs each set-aside item as an EMF line (lib/metrics.ts): one is enough to page.
      alarms.set(
        job.id,
        new Alarm(this, `${job.id}SetAside`, {
          alarmDescription: `${job.id} set an item aside after its retry cap: list and re-drive it (docs/operations.md)`,
          metric: new Metric({
            namespace: METRICS_NAMESPACE,
            metricName: SET_ASIDE_METRIC,
            dimensionsMap: { Job: job.id },
            statistic: 'Sum',
            period: Duration.minutes(5),
          }),
          threshold: 1,
          evaluationPeriods: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      );
    }
    this.functions = functions;
    this.setAsideAlarms = alarms;
  }
}
