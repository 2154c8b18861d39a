import { ALL_TOPICS, SERVICE_NAMES, TOPOLOGY } from '@app/contracts';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';

/** Where the host reaches the stack: the published loopback ports, by compose variable. */
export interface StackTargets {
  ports: Record<string, number>;
  adminToken: string;
}

/** order-service -> ORDER_SERVICE_HOST_PORT, the compose file's variable for its host port. */
export const hostPortVariable = (service: string): string =>
  `${service.toUpperCase().replace(/-/g, '_')}_HOST_PORT`;

export const hostUrl = (t: StackTargets, variable: string): string =>
  `http://127.0.0.1:${port(t, variable)}`;

function port(t: StackTargets, variable: string): number {
  const found = t.ports[variable];
  if (found === undefined) throw new Error(`docker-compose.yml publishes no ${variable}`);
  return found;
}

const ready = (variable: string) => async (t: StackTargets) => {
  const res = await fetch(`${hostUrl(t, variable)}/health/ready`);
  if (!res.ok) throw new Error(`/health/ready answered ${res.status}: ${await res.text()}`);
};

/**
 * One check per published part of the stack, run from the host: the broker, the database and
 * every service of the topology. A new part of docker-compose.yml (a console, say) adds one
 * entry here.
 */
export const STACK_CHECKS: { name: string; run: (t: StackTargets) => Promise<void> }[] = [
  {
    name: 'Kafka answers on its published port and holds every topic of libs/contracts',
    run: async (t) => {
      const kafka = new Kafka({
        clientId: 'compose-test',
        brokers: [`127.0.0.1:${port(t, 'KAFKA_HOST_PORT')}`],
        logLevel: logLevel.NOTHING,
      });
      const admin = kafka.admin();
      await admin.connect();
      try {
        const topics = await admin.listTopics();
        const missing = ALL_TOPICS.filter((topic) => !topics.includes(topic));
        if (missing.length > 0) throw new Error(`missing topics: ${missing.join(', ')}`);
      } finally {
        await admin.disconnect();
      }
    },
  },
  {
    name: 'PostgreSQL answers on its published port with one database per service',
    run: async (t) => {
      const client = new pg.Client({
        connectionString: `postgres://postgres:postgres@127.0.0.1:${port(t, 'POSTGRES_HOST_PORT')}/postgres`,
      });
      await client.connect();
      try {
        const { rows } = await client.query<{ datname: string }>('SELECT datname FROM pg_database');
        const names = rows.map((r) => r.datname);
        const missing = SERVICE_NAMES.map((name) => TOPOLOGY[name].database).filter(
          (db) => !names.includes(db),
        );
        if (missing.length > 0) throw new Error(`missing databases: ${missing.join(', ')}`);
      } finally {
        await client.end();
      }
    },
  },
  ...SERVICE_NAMES.map((service) => ({
    name: `${service} is ready on its published port`,
    run: ready(hostPortVariable(service)),
  })),
  {
    name: 'the console is ready, serves its page and forwards an admin call with the token',
    run: async (t) => {
      await ready('CONSOLE_HOST_PORT')(t);
      const page = await fetch(hostUrl(t, 'CONSOLE_HOST_PORT'));
      if (!page.ok || !(await page.text()).includes('<html')) {
        throw new Error(`the console page answered ${page.status}`);
      }
      // Through the console to read-model's /admin: the token reaches the service unchanged.
      const url = `${hostUrl(t, 'CONSOLE_HOST_PORT')}/api/admin/read-model/dead-letters`;
      const denied = await fetch(url);
      const allowed = await fetch(url, { headers: { authorization: `Bearer ${t.adminToken}` } });
      if (denied.status !== 401 || allowed.status !== 200) {
        throw new Error(
          `admin via the console: ${denied.status} without, ${allowed.status} with the token`,
        );
      }
    },
  },
];
