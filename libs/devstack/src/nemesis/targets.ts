import type { KafkaNode } from '../kafka-node.js';
import { signal, waitForExit } from '../pid-registry.js';
import type { ServiceProcess } from '../service-process.js';
import type { ServiceSpec } from '../services.js';
import type { Stack } from '../stack.js';

/** A service instance by name, as the nemesis starts and restarts it. */
export interface InstanceSlot {
  name: string;
  service: ServiceSpec['name'];
  port: number;
  proc?: ServiceProcess;
}

/** What the nemesis can hit: every service instance, every Kafka node, PostgreSQL, proxies. */
export class Targets {
  readonly slots = new Map<string, InstanceSlot>();

  constructor(readonly stack: Stack) {
    for (const [name, proc] of stack.instances) {
      const service = name.replace(/-\d+$/, '') as ServiceSpec['name'];
      this.slots.set(name, { name, service, port: Number(new URL(proc.url).port), proc });
    }
  }

  instanceNames(): string[] {
    return [...this.slots.keys()].sort();
  }

  live(service?: ServiceSpec['name']): InstanceSlot[] {
    return [...this.slots.values()].filter((s) => s.proc && (!service || s.service === service));
  }

  /** An order-service URL per live instance (the load's targets). */
  urls(service: ServiceSpec['name']): string[] {
    return this.live(service).map((s) => s.proc!.url);
  }

  broker(target: string): KafkaNode {
    return this.stack.infra.kafka!.node(Number(target.replace('broker-', '')));
  }

  async restart(slot: InstanceSlot): Promise<void> {
    try {
      slot.proc = await this.stack.startService(slot.service, slot.name, slot.port);
    } catch (error) {
      // Not ready in time (a loaded machine): kill it, or it keeps the port and answers the
      // readiness probe of the next attempt in place of that one.
      const registry = this.stack.infra.registry;
      const entry = registry.list().find((e) => e.name === slot.name);
      if (entry) {
        signal(entry.pid, 'SIGKILL');
        await waitForExit(entry.pid, 10_000);
        registry.forget(slot.name, entry.pid);
      }
      throw error;
    }
  }

  /** The instance of `service` whose relay holds the advisory lock, if one does right now. */
  async relayLeader(service: ServiceSpec['name']): Promise<InstanceSlot | undefined> {
    for (const slot of this.live(service)) {
      try {
        const text = await (
          await fetch(`${slot.proc!.url}/metrics`, { signal: AbortSignal.timeout(10_000) })
        ).text();
        if (/^outbox_relay_leader(\{[^}]*\})? 1$/m.test(text)) return slot;
      } catch {
        // paused or busy: not known as the leader
      }
    }
    return undefined;
  }
}
