import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { Kafka, type Admin } from 'kafkajs';

/** Ready only while the broker answers a metadata request. */
@Injectable()
export class KafkaHealthIndicator {
  private admin?: Admin;

  constructor(
    private readonly kafka: Kafka,
    private readonly health: HealthIndicatorService,
  ) {}

  async isHealthy(key = 'kafka') {
    const indicator = this.health.check(key);
    try {
      const admin = await this.connectedAdmin();
      const cluster = await withTimeout(admin.describeCluster(), 2000);
      return indicator.up({ brokers: cluster.brokers.length });
    } catch (error) {
      // Not awaited: on a dead link the disconnect itself stalls, and readiness must answer.
      void this.admin?.disconnect().catch(() => undefined);
      this.admin = undefined;
      return indicator.down({ message: error instanceof Error ? error.message : String(error) });
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.admin?.disconnect().catch(() => undefined);
  }

  private async connectedAdmin(): Promise<Admin> {
    if (!this.admin) {
      const admin = this.kafka.admin({ retry: { retries: 0 } });
      await withTimeout(admin.connect(), 2000);
      this.admin = admin;
    }
    return this.admin;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms),
    ),
  ]);
}
