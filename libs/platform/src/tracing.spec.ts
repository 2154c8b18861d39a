import { describe, expect, it } from 'vitest';

import { otlpTracesWanted } from './tracing.js';

describe('otlpTracesWanted', () => {
  it('is off when no OTLP endpoint is set', () => {
    expect(otlpTracesWanted({})).toBe(false);
  });

  it('is on with OTEL_EXPORTER_OTLP_ENDPOINT or the traces-only endpoint', () => {
    expect(otlpTracesWanted({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318' })).toBe(true);
    expect(
      otlpTracesWanted({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://jaeger:4318/v1/traces' }),
    ).toBe(true);
  });

  it('stays off when the SDK is disabled or the traces exporter is none', () => {
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318' };
    expect(otlpTracesWanted({ ...endpoint, OTEL_SDK_DISABLED: 'true' })).toBe(false);
    expect(otlpTracesWanted({ ...endpoint, OTEL_TRACES_EXPORTER: 'none' })).toBe(false);
  });
});
