/**
 * A stand-in OpenTelemetry collector: receives OTLP/HTTP JSON traces and prints one JSON line
 * per span, until SIGINT/SIGTERM.
 *   node dist/tools/otlp/collect.js [--host 0.0.0.0] [--port 4318]
 * Point a service at it with OTEL_EXPORTER_OTLP_ENDPOINT=http://<host>:<port>.
 */
import { parseArgs } from 'node:util';

import { startOtlpReceiver } from './otlp-receiver.js';

const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '4318' },
  },
});
const receiver = await startOtlpReceiver({
  host: values.host,
  port: Number(values.port),
  onSpans: (spans) => {
    for (const span of spans) console.log(JSON.stringify(span));
  },
});
console.error(`[otlp] receiving traces on ${receiver.endpoint}/v1/traces`);
const stop = (): void => void receiver.close().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
