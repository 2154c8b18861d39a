export interface DemoTargets {
  orders: string;
  payments: string;
  readModel: string;
  brokers: string[];
  print: (line: string) => void;
}

/** Filled in with the saga: places, rejects and cancels orders and prints each step. */
export async function runDemoScenario(targets: DemoTargets): Promise<void> {
  targets.print(`demo: services at ${targets.orders}, ${targets.payments}, ${targets.readModel}`);
  await Promise.resolve();
}
