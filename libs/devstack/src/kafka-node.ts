import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';

import { javaCommand } from './kafka-runtime.js';
import { type PidRegistry, isAlive, signal, waitForExit } from './pid-registry.js';
import { LauncherError } from './ports.js';

/** How one KRaft node's JVM is launched: its config, classpath and heap. */
export interface KafkaNodeLaunch {
  nodeId: number;
  /** Pid-file name: `kafka` for a single broker, `kafka-<id>` in a cluster. */
  name: string;
  port: number;
  controllerPort: number;
  config: string;
  log4j: string;
  logFile: string;
  classpath: string;
  heapMb: number;
  registry: PidRegistry;
  /** Where clients behind a TCP proxy are told to connect (the node's PROXIED listener). */
  proxiedPort?: number;
}

/** One JVM of a KRaft cluster (broker + controller), controlled by pid. */
export interface KafkaNode {
  readonly nodeId: number;
  readonly name: string;
  /** Its PLAINTEXT listener on 127.0.0.1. */
  readonly port: number;
  readonly controllerPort: number;
  /** The proxy port it advertises on its PROXIED listener, when it has one. */
  readonly proxiedPort?: number;
  /** 0 while it is not running. */
  readonly pid: number;
  readonly logFile: string;
  running(): boolean;
  /** Spawns the JVM on its existing storage (does not wait for it to serve). */
  launch(): void;
  /** SIGTERM (graceful, leadership moves away first), SIGKILL after a grace period. */
  stop(): Promise<void>;
  /** SIGKILL: a crash. */
  kill(): Promise<void>;
  /** SIGSTOP: the JVM freezes, its sockets stay open (a GC pause, a stalled VM). */
  pause(): void;
  /** SIGCONT after pause(). */
  resume(): void;
}

export function javaArgs(
  classpath: string,
  log4j: string,
  heapMb: number,
  mainClass: string,
  args: string[],
): string[] {
  return [
    `-Xms${Math.min(128, heapMb)}m`,
    `-Xmx${heapMb}m`,
    '-XX:+UseG1GC',
    // Three JVMs share two cores with PostgreSQL and six Node processes: no parallel GC or
    // JIT thread armies per JVM.
    '-XX:ParallelGCThreads=1',
    '-XX:CICompilerCount=2',
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${log4j}`,
    '-cp',
    classpath,
    mainClass,
    ...args,
  ];
}

export function kafkaNode(opts: KafkaNodeLaunch): KafkaNode {
  let pid = 0;
  let paused = false;
  const terminate = async (sig: NodeJS.Signals): Promise<void> => {
    if (!pid || !isAlive(pid)) return;
    signal(pid, sig);
    // A frozen JVM keeps a SIGTERM pending until it runs again.
    if (paused) signal(pid, 'SIGCONT');
    paused = false;
    if (!(await waitForExit(pid, 30_000))) {
      signal(pid, 'SIGKILL');
      await waitForExit(pid, 10_000);
    }
    opts.registry.forget(opts.name, pid);
    pid = 0;
  };
  return {
    nodeId: opts.nodeId,
    name: opts.name,
    port: opts.port,
    controllerPort: opts.controllerPort,
    proxiedPort: opts.proxiedPort,
    get pid() {
      return pid;
    },
    logFile: opts.logFile,
    running: () => pid !== 0 && isAlive(pid),
    launch: () => {
      if (pid && isAlive(pid)) return;
      const out = openSync(opts.logFile, 'a');
      const child = spawn(
        javaCommand(),
        javaArgs(opts.classpath, opts.log4j, opts.heapMb, 'kafka.Kafka', [opts.config]),
        { stdio: ['ignore', out, out] },
      );
      closeSync(out);
      // A failed spawn (no java, not executable) is an 'error' event: without a listener it
      // would be an uncaught exception. With no pid, the throw below reports it instead.
      child.once('error', () => undefined);
      if (!child.pid) {
        throw new LauncherError(
          `the Kafka node ${opts.nodeId} could not be started: ${javaCommand()} did not spawn`,
        );
      }
      pid = child.pid;
      paused = false;
      child.unref();
      opts.registry.record({ name: opts.name, pid, marker: opts.config });
    },
    stop: () => terminate('SIGTERM'),
    kill: () => terminate('SIGKILL'),
    pause: () => {
      if (!pid) return;
      signal(pid, 'SIGSTOP');
      paused = true;
    },
    resume: () => {
      if (!pid) return;
      signal(pid, 'SIGCONT');
      paused = false;
    },
  };
}
