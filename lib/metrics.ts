/**
 * CloudWatch metrics as Embedded Metric Format lines: Lambda ships stdout to
 * CloudWatch Logs, which extracts each line's metrics — no client, no extra
 * request. Namespace `Roster`; the CDK alarms on them (infra/constructs/jobs.ts).
 */
export const METRICS_NAMESPACE = 'Roster';

/** Items a job set aside after its retry cap (dimension `Job`): any is an alarm. */
export const SET_ASIDE_METRIC = 'JobItemsSetAside';

/** Writes one EMF line: `name` = `value` (Count) under `dimensions`, plus `properties` searchable in Logs Insights. */
export function emitMetric(
  name: string,
  value: number,
  dimensions: Record<string, string>,
  properties: Record<string, unknown> = {},
): void {
  const line = {
    ...properties,
    ...dimensions,
    [name]: value,
    _aws: {
      Timestamp: Date.now(),
      CloudWatchMetrics: [
        {
          Namespace: METRICS_NAMESPACE,
          Dimensions: [Object.keys(dimensions)],
          Metrics: [{ Name: name, Unit: 'Count' }],
        },
      ],
    },
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}
