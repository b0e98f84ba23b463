/**
 * Cognito user pool triggers from the `TRIGGERS` table: one function per
 * trigger, attached to the pool (which also grants Cognito the invoke).
 *
 * The pool depends on its triggers, so a trigger must not depend on the pool:
 * its environment leaves out the pool's id and client id (a CloudFormation
 * cycle otherwise) — the event carries `userPoolId` should one ever need it.
 */
import { Duration } from 'aws-cdk-lib';
import { type UserPool, UserPoolOperation } from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import type { TriggerDef } from '../../lib/http/routes.ts';
import { type FunctionResources, RosterFunction } from './functions.ts';

/** Variables naming the pool: never given to a trigger. */
export const POOL_VARIABLES = ['USER_POOL_ID', 'USER_POOL_CLIENT_ID', 'USER_POOL_ISSUER'] as const;

export interface TriggersProps {
  readonly triggers: readonly TriggerDef[];
  readonly userPool: UserPool;
  readonly resources: FunctionResources;
}

export class RosterTriggers extends Construct {
  readonly functions: ReadonlyMap<string, RosterFunction>;

  constructor(scope: Construct, id: string, props: TriggersProps) {
    super(scope, id);
    const environment = Object.fromEntries(
      Object.entries(props.resources.environment).filter(
        ([name]) => !(POOL_VARIABLES as readonly string[]).includes(name),
      ),
    );
    const functions = new Map<string, RosterFunction>();
    for (const trigger of props.triggers) {
      if (trigger.uses.identity?.length || trigger.uses.authFlows) {
        throw new Error(`Trigger ${trigger.id} cannot call the user pool that invokes it (a dependency cycle)`);
      }
      const fn = new RosterFunction(this, trigger.id, {
        entry: trigger.entry,
        uses: trigger.uses,
        resources: { ...props.resources, environment },
        description: `Cognito ${trigger.trigger} trigger`,
        // Cognito gives up on a trigger after 5 seconds.
        timeout: Duration.seconds(5),
      });
      props.userPool.addTrigger(UserPoolOperation.of(trigger.trigger), fn.fn);
      functions.set(trigger.id, fn);
    }
    this.functions = functions;
  }
}
