/**
 * A stack and its nested stacks as one template for assertions: every nested
 * resource keyed `<nested stack's logical id>/<its logical id>`, its `Ref`s,
 * `Fn::GetAtt`s and `DependsOn` rewritten to those keys, and each reference to
 * one of its parameters replaced by the value the parent passes in. So a
 * route in an area's nested stack that invokes "its" function is checked
 * exactly as before: `Fn::GetAtt [<function's key>, 'Arn']`, and a grant on
 * the parent's table reads `Fn::GetAtt [<table id>, 'Arn']` wherever it is.
 */
import { type CfnResource, NestedStack, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';

// biome-ignore lint/suspicious/noExplicitAny: synthesized CloudFormation is untyped JSON; the assertions are its type check.
export type Resource = { Type: string; Properties: Record<string, any>; DeletionPolicy?: string; DependsOn?: string[] };

export interface TemplateSize {
  /** The construct path of the stack (`Roster`, `Roster/Api/Members`). */
  readonly path: string;
  readonly resources: number;
  /** Values passed in from the parent (cross-stack references; CloudFormation allows 200). */
  readonly parameters: number;
  readonly nested: boolean;
}

export interface Flattened {
  readonly resources: Record<string, Resource>;
  /** The key of the parent's nested-stack resource a key lives in (itself for a top-level resource). */
  containerOf(key: string): string;
  /** Every template's resource count, the parent first. */
  readonly sizes: readonly TemplateSize[];
}

export function flatten(root: Stack): Flattened {
  const resources: Record<string, Resource> = {};
  const container = new Map<string, string>();
  const sizes: TemplateSize[] = [];

  const visit = (stack: Stack, prefix: string, parameters: Record<string, unknown>, top: string | undefined) => {
    const template = Template.fromStack(stack).toJSON() as {
      Resources?: Record<string, Resource>;
      Parameters?: Record<string, unknown>;
    };
    const own = template.Resources ?? {};
    const parameterCount = Object.keys(template.Parameters ?? {}).filter((p) => p !== 'BootstrapVersion').length;
    sizes.push({
      path: stack.node.path,
      resources: Object.keys(own).length,
      parameters: parameterCount,
      nested: prefix !== '',
    });
    const rewrite = (node: unknown): unknown => {
      if (Array.isArray(node)) return node.map(rewrite);
      if (!node || typeof node !== 'object') return node;
      const entries = Object.entries(node);
      if (entries.length === 1) {
        const [[key, value]] = entries as [[string, unknown]];
        if (key === 'Ref' && typeof value === 'string') {
          if (value in own) return { Ref: prefix + value };
          if (value in (template.Parameters ?? {})) {
            if (!(value in parameters)) throw new Error(`${stack.node.path}: parameter ${value} is not passed in`);
            return parameters[value];
          }
          return node;
        }
        if (key === 'Fn::GetAtt' && Array.isArray(value) && typeof value[0] === 'string' && value[0] in own) {
          return { 'Fn::GetAtt': [prefix + value[0], ...value.slice(1)] };
        }
      }
      return Object.fromEntries(entries.map(([key, value]) => [key, rewrite(value)]));
    };
    for (const [id, resource] of Object.entries(own)) {
      const key = prefix + id;
      const dependsOn = resource.DependsOn === undefined ? undefined : [resource.DependsOn].flat();
      resources[key] = {
        ...(rewrite(resource) as Resource),
        ...(dependsOn ? { DependsOn: dependsOn.map((d) => prefix + d) } : {}),
      };
      container.set(key, top ?? key);
    }
    for (const child of stack.node.findAll()) {
      if (!(child instanceof NestedStack) || child.nestedStackParent !== stack) continue;
      const cfn = child.nestedStackResource as CfnResource;
      const id = stack.resolve(cfn.logicalId) as string;
      const passed = (own[id]?.Properties.Parameters ?? {}) as Record<string, unknown>;
      const values = Object.fromEntries(Object.entries(passed).map(([name, value]) => [name, rewrite(value)]));
      visit(child, `${prefix}${id}/`, values, top ?? prefix + id);
    }
  };
  visit(root, '', {}, undefined);

  return {
    resources,
    containerOf: (key) => {
      const found = container.get(key);
      if (!found) throw new Error(`No resource ${key}`);
      return found;
    },
    sizes,
  };
}
