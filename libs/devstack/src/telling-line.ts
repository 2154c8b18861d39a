import { existsSync, readFileSync } from 'node:fs';

const MAX = 300;
// A JVM's stack trace ends in "... 8 more" and a Node crash in a stack frame: the line that
// says what went wrong is the exception's, further up.
const CAUSE = /(Exception|Error)\b[:\s]|"level":(50|60)\b|\bFATAL\b|\bERROR\b/;

/**
 * The one line of a failed tool's or process's output that best says why it failed: the
 * last line naming an exception or error (a JVM's last "Caused by:"), else the last line.
 */
export function tellingLine(output: string): string {
  const lines = output
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  const line = lines.findLast((l) => CAUSE.test(l)) ?? lines.at(-1) ?? 'no output';
  return line.length > MAX ? `${line.slice(0, MAX)}…` : line;
}

/** tellingLine of a log file's last 64 KiB ('no output' when it is missing or empty). */
export function tellingLineOf(file: string): string {
  if (!existsSync(file)) return 'no output';
  const text = readFileSync(file, 'utf8');
  return tellingLine(text.slice(-65_536));
}
