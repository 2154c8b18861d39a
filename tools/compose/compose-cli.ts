import { runCommand, type CommandResult } from './run-command.js';

/**
 * docker-compose (v1, Debian's 1.29) for one project of the test. The compose file is kept
 * valid for both v1 and `docker compose` v2 (docs/adr/0007-compose-images.md).
 */
export class ComposeCli {
  constructor(
    private readonly opts: {
      root: string;
      project: string;
      env: NodeJS.ProcessEnv;
      logFile: string;
      /** `--profile <name>`, as a user types it; else .env's COMPOSE_PROFILES applies. */
      profile?: string;
    },
  ) {}

  run(args: string[], allowFailure = false): Promise<CommandResult> {
    return runCommand(
      'docker-compose',
      [
        '--project-name',
        this.opts.project,
        '--file',
        'docker-compose.yml',
        ...(this.opts.profile ? ['--profile', this.opts.profile] : []),
        ...args,
      ],
      { cwd: this.opts.root, env: this.opts.env, logFile: this.opts.logFile, allowFailure },
    );
  }

  docker(args: string[], allowFailure = false): Promise<CommandResult> {
    return runCommand('docker', args, {
      env: this.opts.env,
      logFile: this.opts.logFile,
      allowFailure,
    });
  }

  /** Container state of one service: health when it has a health check, else run state. */
  async state(service: string): Promise<{ status: string; health?: string; exitCode: number }> {
    const id = (await this.run(['ps', '-q', service])).output.trim().split('\n')[0] ?? '';
    if (!id) return { status: 'absent', exitCode: -1 };
    const { output } = await this.docker([
      'inspect',
      '--format',
      '{{.State.Status}} {{.State.ExitCode}} {{if .State.Health}}{{.State.Health.Status}}{{end}}',
      id,
    ]);
    const [status = '', exitCode = '-1', health] = output.trim().split(' ');
    return { status, exitCode: Number(exitCode), health: health || undefined };
  }

  /** Whatever the project still owns in the engine (containers, volumes, networks). */
  async leftovers(): Promise<string[]> {
    const label = `label=com.docker.compose.project=${this.opts.project}`;
    const kinds = [
      ['ps', '-a', '--filter', label, '--format', 'container {{.Names}}'],
      ['volume', 'ls', '--filter', label, '--format', 'volume {{.Name}}'],
      ['network', 'ls', '--filter', label, '--format', 'network {{.Name}}'],
    ];
    const found = await Promise.all(kinds.map((args) => this.docker(args)));
    return found.flatMap((r) => r.output.split('\n').filter(Boolean));
  }
}
