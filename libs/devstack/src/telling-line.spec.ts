import { describe, expect, it } from 'vitest';

import { tellingLine } from './telling-line.js';

describe('tellingLine', () => {
  it('picks the last cause of a JVM stack trace, not its "... 8 more" tail', () => {
    const trace = [
      'Exception in thread "main" java.lang.RuntimeException: wrapped',
      '\tat kafka.tools.StorageTool.main(StorageTool.scala:52)',
      'Caused by: java.nio.file.FileSystemException: /data/meta.properties: No space left on device',
      '\tat java.base/sun.nio.fs.UnixException.translateToIOException(UnixException.java:100)',
      '\t... 8 more',
    ].join('\n');
    expect(tellingLine(trace)).toBe(
      'Caused by: java.nio.file.FileSystemException: /data/meta.properties: No space left on device',
    );
  });

  it("picks a service's last error-level pino line over the info lines after it", () => {
    const log = [
      '{"level":30,"msg":"starting"}',
      '{"level":50,"msg":"could not connect to the database","err":"ECONNREFUSED"}',
      '{"level":30,"msg":"stopping"}',
    ].join('\n');
    expect(tellingLine(log)).toContain('ECONNREFUSED');
  });

  it('falls back to the last line, and says when there was nothing', () => {
    expect(tellingLine('one\ntwo\n\n')).toBe('two');
    expect(tellingLine('  \n')).toBe('no output');
  });

  it('keeps one line short', () => {
    expect(tellingLine(`Error: ${'x'.repeat(1000)}`)).toHaveLength(301);
  });
});
