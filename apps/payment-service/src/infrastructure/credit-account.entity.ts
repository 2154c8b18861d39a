import { bigintNumber } from '@app/platform';
import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('credit_accounts')
export class CreditAccountEntity {
  @PrimaryColumn('text', { name: 'customer_id' })
  customerId!: string;

  @Column('text')
  currency!: string;

  @Column('bigint', { name: 'credit_limit', transformer: bigintNumber })
  creditLimit!: number;

  @Column('bigint', { transformer: bigintNumber })
  available!: number;
}
