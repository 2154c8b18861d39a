import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';

export interface CommandOptions {
  /** Every line the command prints goes here, so a failure can be read in full afterwards. */
  logFile: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Resolve with a non-zero code instead of rejecting. */
  allowFailure?: boolean;
}

export interface CommandResult {
  code: number;
  output: string;
}

export class CommandFailed extends Error {
  override readonly name = 'CommandFailed';
}

/** Runs a command to completion; its output is logged and returned, the last lines on failure. */
export function runCommand(
  cmd: string,
  args: string[],
  options: CommandOptions,
): Promise<CommandResult> {
  appendFileSync(options.logFile, `\n$ ${cmd} ${args.join(' ')}\n`);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const collect = (chunk: Buffer): void => {
      output += chunk.toString();
      appendFileSync(options.logFile, chunk);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const status = code ?? (signal ? 128 : 1);
      if (status === 0 || options.allowFailure) return resolve({ code: status, output });
      const tail = output.trim().split('\n').slice(-20).join('\n');
      reject(
        new CommandFailed(
          `${cmd} ${args.join(' ')} exited with ${status} (full log: ${options.logFile})\n${tail}`,
        ),
      );
    });
  });
}
