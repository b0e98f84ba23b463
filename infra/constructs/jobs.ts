/**
 * Scheduled functions from the `JOBS` table: one function per job, invoked by
 * an EventBridge rule on the job's schedule expression.
 */
import { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Construct } from 'constructs';
import type { JobDef } from '../../lib/http/routes.ts';
import { type FunctionResources, RosterFunction } from './functions.ts';

export interface JobsProps {
  readonly jobs: readonly JobDef[];
  readonly resources: FunctionResources;
}

export class RosterJobs extends Construct {
  readonly functions: ReadonlyMap<string, RosterFunction>;

  constructor(scope: Construct, id: string, props: JobsProps) {
    super(scope, id);
    const functions = new Map<string, RosterFunction>();
    for (const job of props.jobs) {
      const fn = new RosterFunction(this, job.id, {
        entry: job.entry,
        uses: job.uses,
        resources: props.resources,
        description: `Scheduled ${job.schedule}: ${job.id}`,
        // Jobs drain work in batches; they are not bound by API Gateway's 30 s.
        timeout: Duration.minutes(5),
      });
      new Rule(this, `${job.id}Schedule`, {
        description: `Runs ${job.id} on ${job.schedule}`,
        schedule: Schedule.expression(job.schedule),
        targets: [new LambdaFunction(fn.fn, { retryAttempts: 2 })],
      });
      functions.set(job.id, fn);
    }
    this.functions = functions;
  }
}
