/**
 * The compose test's stand-in for the official `jaegertracing/jaeger` image (ADR 0007): the
 * project's OTLP/HTTP receiver on 4318 and the subset of Jaeger's query API the test reads on
 * 16686 (tools/otlp/jaeger-query-api.ts), spans kept in memory as Jaeger's all-in-one does.
 *   node jaeger-stand-in.js   (OTLP_PORT, QUERY_PORT to move them)
 */
import { startJaegerQueryApi } from './jaeger-query-api.js';
import { startOtlpReceiver } from './otlp-receiver.js';

const receiver = await startOtlpReceiver({
  host: '0.0.0.0',
  port: Number(process.env.OTLP_PORT ?? 4318),
});
const api = await startJaegerQueryApi({
  host: '0.0.0.0',
  port: Number(process.env.QUERY_PORT ?? 16686),
  spans: () => receiver.spans(),
});
console.error(`[jaeger stand-in] OTLP/HTTP on ${receiver.endpoint}, query API on ${api.url}`);
const stop = (): void =>
  void Promise.all([receiver.close(), api.close()]).then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
