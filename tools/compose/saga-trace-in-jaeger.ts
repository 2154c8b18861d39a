import { eventually } from '@app/devstack';

import { flattenJaegerTrace, type JaegerResponse, type JaegerTrace } from '../otlp/jaeger-model.js';
import { approvalSagaProblems } from '../otlp/saga-trace.js';
import { hostUrl, type StackTargets } from './stack-checks.js';

/**
 * After the demo approved an order: Jaeger's query API (the UI's, on the published 16686)
 * holds that saga as ONE trace, every hop the child of the one before (tools/otlp/saga-trace.ts,
 * the chain the e2e tracing test asserts). The services batch spans for up to 5 s, so it polls.
 * Returns the trace id.
 */
export async function sagaTraceInJaeger(t: StackTargets): Promise<string> {
  const url = `${hostUrl(t, 'JAEGER_UI_HOST_PORT')}/api/traces?service=order-service&operation=${encodeURIComponent('POST /orders')}&limit=100`;
  return eventually(
    async () => {
      const res = await fetch(url);
      const body = (await res.json()) as JaegerResponse<JaegerTrace[]>;
      if (!res.ok || !body.data) throw new Error(`${url} answered ${res.status}`);
      const checked = body.data.map((trace) => ({
        traceID: trace.traceID,
        problems: approvalSagaProblems(flattenJaegerTrace(trace)),
      }));
      const whole = checked.find((c) => c.problems.length === 0);
      if (whole) return whole.traceID;
      throw new Error(
        `no trace holds the whole approval saga among ${checked.length}: ${JSON.stringify(checked.slice(0, 4))}`,
      );
    },
    { timeoutMs: 60_000, intervalMs: 1_000, what: 'the approval saga as one trace in Jaeger' },
  );
}
