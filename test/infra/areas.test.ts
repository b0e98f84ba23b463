/**
 * The stack grows by area (DESIGN §2): the API's routes are split into nested
 * stacks by the handler folder of each row, all on one HTTP API. Every
 * template — the parent and each nested one — stays under 400 of
 * CloudFormation's 500 resources, and the test names the area to split next.
 * Bundling skipped: only the templates' shape is under test (stack.test.ts
 * bundles every function and checks each route's wiring).
 */
import { readFileSync } from 'node:fs';
import { App, NestedStack, Stack } from 'aws-cdk-lib';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { API_AREAS, areaOf, handlerFolder } from '../../infra/constructs/areas.ts';
import { RosterStack } from '../../infra/stack.ts';
import { ROUTES } from '../../lib/http/routes.ts';
import { type Flattened, flatten } from './templates.ts';

/** Each template's ceiling: CloudFormation's is 500; the rest is headroom for the next operations. */
const MAX_RESOURCES = 400;

const { context } = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8'));

let stack: RosterStack;
let flat: Flattened;

beforeAll(() => {
  const app = new App({ context: { ...context, 'aws:cdk:bundling-stacks': [] } });
  // With the console: the largest deployment.
  stack = new RosterStack(app, 'Roster', { stackName: 'roster-areas', mailFrom: 'no-reply@example.com' });
  flat = flatten(stack);
});

describe('templates', () => {
  it(`keeps every template under ${MAX_RESOURCES} resources and names the area to split next`, () => {
    const areas = flat.sizes.filter((s) => s.path.startsWith('Roster/Api/'));
    const largest = [...areas].sort((a, b) => b.resources - a.resources)[0];
    const report = flat.sizes
      .map((s) => `${s.path.padEnd(24)} ${String(s.resources).padStart(4)} resources, ${s.parameters} parameters`)
      .join('\n');
    console.log(
      `Resources per template (limit ${MAX_RESOURCES}, CloudFormation's 500):\n${report}\n` +
        `Area to split next: ${largest?.path.replace('Roster/Api/', '')} (${largest?.resources} resources)`,
    );
    expect(flat.sizes[0]?.path).toBe('Roster');
    expect(areas.length).toBe(API_AREAS.length);
    for (const size of flat.sizes) expect(size.resources, size.path).toBeLessThan(MAX_RESOURCES);
    // Cross-stack references arrive as parameters: the shared resources only, never one per route.
    for (const size of flat.sizes) expect(size.parameters, size.path).toBeLessThanOrEqual(20);
  });

  it('keeps the parent small: the API, its stage and authorizer, the data, identity, jobs and triggers', () => {
    const parent = flat.sizes[0];
    // Nothing in the parent grows with the number of routes. (101 after SSO's three custom-auth triggers:
    // Cognito's triggers live beside the user pool, in the parent; CloudFormation's cap is 500.)
    expect(parent?.resources).toBeLessThan(120);
    const inParent = Object.entries(flat.resources).filter(([key]) => !key.includes('/'));
    const types = new Set(inParent.map(([, r]) => r.Type));
    for (const type of ['AWS::ApiGatewayV2::Api', 'AWS::ApiGatewayV2::Stage', 'AWS::ApiGatewayV2::Authorizer'])
      expect(types, type).toContain(type);
    expect(types).not.toContain('AWS::ApiGatewayV2::Route');
    expect(types).not.toContain('AWS::ApiGatewayV2::Integration');
  });
});

describe('areas', () => {
  it('puts every route, with its function, integration and permission, in the nested stack of its area', () => {
    const routes = Object.entries(flat.resources).filter(([, r]) => r.Type === 'AWS::ApiGatewayV2::Route');
    expect(routes).toHaveLength(ROUTES.length);
    for (const route of ROUTES) {
      const area = stack.node.findChild('Api').node.findChild(areaOf(route).id) as NestedStack;
      const areaId = stack.resolve(area.nestedStackResource?.logicalId);
      const [routeKey] = routes.find(([, r]) => r.Properties.RouteKey === `${route.method} ${route.path}`) ?? [];
      expect(routeKey, route.id).toBeDefined();
      expect(flat.containerOf(routeKey ?? ''), route.id).toBe(areaId);
      const functionName = `roster-areas-${route.twinOf ?? route.id}`;
      const [functionKey] =
        Object.entries(flat.resources).find(
          ([, r]) => r.Type === 'AWS::Lambda::Function' && r.Properties.FunctionName === functionName,
        ) ?? [];
      expect(functionKey, route.id).toBeDefined();
      expect(flat.containerOf(functionKey ?? ''), route.id).toBe(areaId);
    }
  });

  it('derives the area from the handler folder, and every folder of the route table has exactly one area', () => {
    const folders = new Set(ROUTES.map(handlerFolder));
    for (const folder of folders) {
      expect(
        API_AREAS.filter((a) => a.folders.includes(folder)).map((a) => a.id),
        folder,
      ).toHaveLength(1);
    }
    const row = { id: 'x', entry: 'functions/integrations/connect.ts' };
    expect(() => areaOf(row)).toThrow(/no API area takes functions\/integrations\//);
    expect(() => areaOf({ id: 'y', entry: 'lib/elsewhere.ts' })).toThrow(/not under functions/);
  });

  it('runs cdk-nag on nested stacks too (a finding inside one is reported)', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const parent = new Stack(app, 'Parent');
    new Bucket(new NestedStack(parent, 'Area'), 'Unsafe');
    const report = new AwsSolutionsChecks(app).validateScope(app);
    const paths = report.violations.flatMap((v) => v.violatingResources.map((r) => r.constructPath));
    expect(paths.some((path) => path?.startsWith('Parent/Area/Unsafe'))).toBe(true);
  });
});
