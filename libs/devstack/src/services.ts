/**
 * The three services as the launcher, the Dockerfile and docker-compose.yml run them: one
 * entry point each, built by `npm run build`.
 */
export interface ServiceSpec {
  name: 'order-service' | 'payment-service' | 'read-model';
  entry: string;
  port: number;
  database: string;
}

export const SERVICES: readonly ServiceSpec[] = [
  {
    name: 'order-service',
    entry: 'dist/apps/order-service/src/main.js',
    port: 3001,
    database: 'order_service',
  },
  {
    name: 'payment-service',
    entry: 'dist/apps/payment-service/src/main.js',
    port: 3002,
    database: 'payment_service',
  },
  {
    name: 'read-model',
    entry: 'dist/apps/read-model/src/main.js',
    port: 3003,
    database: 'read_model',
  },
];
