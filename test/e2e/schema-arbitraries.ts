/**
 * fast-check arbitraries derived from a handler's zod schemas (through
 * `z.toJSONSchema`, input side), with hostile text wherever a schema allows
 * free text, and values that break each schema on purpose.
 */
import fc from 'fast-check';
import * as z from 'zod';

export interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
}

export function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
}

/**
 * Characters that trip naive code: NUL and other controls, RTL overrides and
 * marks, a BOM, lone surrogates, emoji (astral, ZWJ sequences), line
 * separators, combining marks, quotes, escapes and markup.
 */
export const HOSTILE_CHARS = [
  '\u0000',
  '\u0007',
  '\u001b',
  '\u202e',
  '\u200f',
  '\u061c',
  '\ufeff',
  '\ud800',
  '\udfff',
  '\udc00\ud800',
  '😀',
  '👩‍👩‍👧‍👦',
  '🏳️‍🌈',
  '\u2028',
  '\u0085',
  '\u0301',
  'ﷺ',
  'ß',
  'İ',
  '\\',
  '"',
  "'",
  '%',
  '%00',
  '<script>',
  '&amp;',
  '#',
  '\n',
  '\r\n',
  '\t',
  ' ',
];

/** Property names with a meaning in JavaScript objects. */
export const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'];

const unit = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_CHARS) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
);

/** Text mixing ordinary and hostile characters; `maxLength` counts UTF-16 code units, as zod does. */
export function hostileText(constraints: { minLength?: number; maxLength?: number } = {}): fc.Arbitrary<string> {
  const min = constraints.minLength ?? 0;
  const max = constraints.maxLength ?? 40;
  return fc
    .oneof(
      { weight: 8, arbitrary: fc.string({ unit, minLength: min, maxLength: Math.min(Math.max(min, 1) + 30, max) }) },
      { weight: 1, arbitrary: fc.constantFrom(...PROTOTYPE_KEYS) },
    )
    .filter((s) => s.length >= min && s.length <= max);
}

/** Values for properties of a given name (real ids, say), mixed with what the schema alone would give. */
export type Hints = Readonly<Record<string, fc.Arbitrary<unknown>>>;

/** Values satisfying `schema` most of the time (callers that need validity filter with the zod schema). */
export function arbitraryOf(schema: JsonSchema, hints: Hints = {}): fc.Arbitrary<unknown> {
  if ('const' in schema) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  // zod writes a union as anyOf and a discriminated union as oneOf (its branches exclude each other).
  const branches = schema.anyOf ?? schema.oneOf;
  if (branches) return fc.oneof(...branches.map((s) => arbitraryOf(s, hints)));
  switch (schema.type) {
    case 'object': {
      const properties = schema.properties ?? {};
      const model = Object.fromEntries(
        Object.entries(properties).map(([k, v]) => {
          const hint = Object.hasOwn(hints, k) ? hints[k] : undefined;
          return [k, hint ? fc.oneof({ weight: 3, arbitrary: hint }, arbitraryOf(v, hints)) : arbitraryOf(v, hints)];
        }),
      );
      return fc.record(model, { requiredKeys: schema.required ?? [] });
    }
    case 'array':
      return fc.array(arbitraryOf(schema.items ?? {}, hints), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.min(schema.maxItems ?? 5, 5),
      });
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -1_000_000, max: schema.maximum ?? 1_000_000 });
    case 'number':
      return fc.double({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'string':
      return stringOf(schema);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function stringOf(schema: JsonSchema): fc.Arbitrary<string> {
  const min = schema.minLength ?? 0;
  const max = schema.maxLength ?? 1000;
  const fits = (s: string) => s.length >= min && s.length <= max;
  if (schema.format === 'date-time') {
    return fc
      .date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2200-01-01T00:00:00Z'), noInvalidDate: true })
      .map((d) => d.toISOString());
  }
  if (schema.format === 'uri') return fc.webUrl({ withQueryParameters: true }).filter(fits);
  if (schema.pattern) {
    // fast-check cannot generate from lookaheads (e.g. a domain's overall length): generate without them, keep the matches.
    const full = new RegExp(schema.pattern);
    const generating = new RegExp(schema.pattern.replace(/\(\?[=!](?:[^()\\]|\\.)*\)/g, ''));
    return fc.stringMatching(generating).filter((s) => fits(s) && full.test(s));
  }
  if (schema.allOf) {
    // Each pattern matched once, then filler: e.g. a password with a lower, an upper and a digit.
    const parts = schema.allOf.map((p) => fc.stringMatching(new RegExp(`^(?:${p.pattern})$`)));
    const filler = hostileText({ minLength: Math.max(0, min - parts.length), maxLength: Math.min(max, 40) });
    return fc
      .tuple(fc.tuple(...parts), filler)
      .map(([ps, rest]) => `${ps.join('')}${rest}`)
      .filter(fits);
  }
  return hostileText({ minLength: min, maxLength: Math.min(max, 60) });
}

/** Values of another JSON type than `schema` wants, and values of its type that break its limits. */
export function invalidValueOf(schema: JsonSchema): fc.Arbitrary<unknown> {
  const wrongType = fc.oneof(
    fc.integer(),
    fc.double({ noNaN: true }),
    fc.boolean(),
    fc.constant(null),
    fc.constant([]),
    fc.constant({}),
    fc.array(fc.jsonValue({ maxDepth: 1 }), { minLength: 1, maxLength: 3 }),
    fc.dictionary(hostileText({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { minKeys: 1, maxKeys: 3 }),
    hostileText(),
  );
  const limits: fc.Arbitrary<unknown>[] = [];
  if (schema.type === 'string' || schema.pattern || schema.format) {
    const max = schema.maxLength ?? 2048;
    limits.push(fc.integer({ min: max + 1, max: max + 5000 }).map((n) => 'x'.repeat(n)));
    limits.push(fc.integer({ min: 1, max: 200 }).map((n) => '😀'.repeat(n)));
    if ((schema.minLength ?? 0) > 0) limits.push(fc.constant(''));
    if (schema.pattern || schema.format) {
      limits.push(hostileText({ minLength: 1 }), fc.constantFrom('../', '..', ' ', 'A B', 'a/b', '\u0000', 'ÄÖÜ'));
    }
  }
  if (schema.enum) limits.push(hostileText(), fc.constantFrom(...schema.enum.map((v) => `${String(v)} `)));
  if (schema.type === 'integer' || schema.type === 'number') {
    if (schema.maximum !== undefined) limits.push(fc.integer({ min: schema.maximum + 1, max: schema.maximum + 1e6 }));
    if (schema.minimum !== undefined) limits.push(fc.integer({ min: schema.minimum - 1e6, max: schema.minimum - 1 }));
    limits.push(fc.constantFrom(1.5, -0.5, 1e308, '1', '1e3'));
  }
  if (schema.type === 'array') {
    const items = arbitraryOf(schema.items ?? {});
    const over = (schema.maxItems ?? 100) + 1;
    limits.push(fc.array(items, { minLength: over, maxLength: over + 3 }));
    limits.push(fc.array(invalidValueOf(schema.items ?? {}), { minLength: 1, maxLength: 3 }));
  }
  if (schema.type === 'object') limits.push(fc.constantFrom('{}', 'null', '[object Object]'));
  return limits.length ? fc.oneof(wrongType, ...limits) : wrongType;
}

/**
 * `fc.assert` for HTTP properties: on failure, the failing request as the
 * predicate described it and how to replay the run — not the whole
 * counterexample, whose strings may be 100 KB long.
 */
export async function holds<T>(arb: fc.Arbitrary<T>, predicate: (value: T) => Promise<void>, numRuns: number) {
  const out = await fc.check(fc.asyncProperty(arb, predicate), { numRuns });
  if (!out.failed) return;
  const cause = out.errorInstance instanceof Error ? out.errorInstance.message : String(out.errorInstance);
  throw new Error(
    `Property failed after ${out.numRuns} runs (replay with { seed: ${out.seed}, path: "${out.counterexamplePath}" })\n${cause}`,
  );
}
