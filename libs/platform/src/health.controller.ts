import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';

import { KafkaHealthIndicator } from './kafka.health.js';
import { WarmUp } from './warm-up.js';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly kafka: KafkaHealthIndicator,
    private readonly warmUp: WarmUp,
    private readonly indicators: HealthIndicatorService,
  ) {}

  /** The process is up (restart it if not). */
  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  /**
   * It can do its job: its database and the broker answer, and it is warm (WarmUp): the
   * first orders after this are as fast as the rest.
   */
  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      () => this.db.pingCheck('database', { timeout: 2000 }),
      () => this.kafka.isHealthy('kafka'),
      () => this.warm(),
    ]);
  }

  private warm() {
    const indicator = this.indicators.check('warm-up');
    const pending = this.warmUp.pending();
    return pending.length === 0 ? indicator.up() : indicator.down({ waitingFor: pending });
  }
}
