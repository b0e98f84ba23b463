/**
 * Counts and records the AWS calls handlers make: a middleware on each of the
 * singleton clients of lib/aws/clients.ts (the gateway runs handlers in this
 * process, so they share them). Only calls inside `capture()` are kept; each
 * keeps the command name, a copy of its input (for replay), its timing and
 * how many HTTP attempts it took.
 */
import type { HandlerExecutionContext, MiddlewareStack } from '@smithy/types';
import { cognito, dynamo, ses } from '../../lib/aws/clients.ts';

export type Service = 'dynamodb' | 'cognito' | 'ses';

export interface RecordedCall {
  service: Service;
  /** SDK command class name, e.g. `BatchGetItemCommand`. */
  command: string;
  /** The input as the caller gave it (document-level for lib-dynamodb commands). */
  input: unknown;
  /** Sent as a lib-dynamodb document command (input unmarshalled). */
  document: boolean;
  startMs: number;
  endMs: number;
  /** HTTP attempts (more than one only when the SDK retried). */
  attempts: number;
  error?: string;
}

interface Slot {
  call: RecordedCall;
}
type Context = HandlerExecutionContext & {
  benchSlot?: Slot;
  __aws_sdk_context?: { features?: Record<string, string> };
};

export class Recorder {
  private active = 0;
  private calls: RecordedCall[] = [];

  /** Runs `work` and returns what it returned with every AWS call made meanwhile (one capture at a time). */
  async capture<T>(work: () => Promise<T>): Promise<{ result: T; calls: RecordedCall[] }> {
    if (this.active > 0) throw new Error('Recorder.capture is not reentrant: captures would mix their calls');
    this.active += 1;
    this.calls = [];
    try {
      const result = await work();
      return { result, calls: this.calls };
    } finally {
      this.active -= 1;
      this.calls = [];
    }
  }

  /** @internal called by the middleware. */
  start(service: Service, context: Context, input: unknown): Slot | undefined {
    if (this.active === 0) return undefined;
    const call: RecordedCall = {
      service,
      command: context.commandName ?? 'unknown',
      input: structuredClone(input),
      document: false,
      startMs: performance.now(),
      endMs: Number.NaN,
      attempts: 0,
    };
    this.calls.push(call);
    return { call };
  }
}

const INSTALLED = Symbol.for('roster.bench.recorder');

/** Adds the recording middleware to the three singleton clients (once per process). */
export function installRecorder(): Recorder {
  const holder = globalThis as { [INSTALLED]?: Recorder };
  if (holder[INSTALLED]) return holder[INSTALLED];
  const recorder = new Recorder();
  instrument(dynamo().middlewareStack as unknown as MiddlewareStack<object, object>, 'dynamodb', recorder);
  instrument(cognito().middlewareStack as unknown as MiddlewareStack<object, object>, 'cognito', recorder);
  instrument(ses().middlewareStack as unknown as MiddlewareStack<object, object>, 'ses', recorder);
  holder[INSTALLED] = recorder;
  return recorder;
}

function instrument(stack: MiddlewareStack<object, object>, service: Service, recorder: Recorder): void {
  stack.add(
    (next, context: Context) =>
      async function recordCall(args) {
        const slot = recorder.start(service, context, (args as { input: unknown }).input);
        context.benchSlot = slot;
        try {
          return await next(args);
        } catch (error) {
          if (slot) slot.call.error = (error as { name?: string }).name ?? String(error);
          throw error;
        } finally {
          if (slot) slot.call.endMs = performance.now();
        }
      },
    { step: 'initialize', priority: 'high', name: 'benchRecordCall' },
  );
  // After serialisation: lib-dynamodb has marked document commands by now.
  stack.add(
    (next, context: Context) =>
      async function markDocument(args) {
        if (context.benchSlot)
          context.benchSlot.call.document = context.__aws_sdk_context?.features?.DDB_MAPPER === 'd';
        return next(args);
      },
    { step: 'build', name: 'benchMarkDocument' },
  );
  // The deserialize step runs once per HTTP attempt (retries happen in finalizeRequest, before it).
  stack.add(
    (next, context: Context) =>
      async function countAttempt(args) {
        if (context.benchSlot) context.benchSlot.call.attempts += 1;
        return next(args);
      },
    { step: 'deserialize', name: 'benchCountAttempt' },
  );
}

/** `BatchGetItemCommand` → `BatchGetItem`. */
export const shortName = (call: RecordedCall) => call.command.replace(/Command$/, '');
