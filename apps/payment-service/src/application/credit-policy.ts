/** The account every customer starts with (so the demo needs no set-up). */
export class CreditPolicy {
  constructor(
    readonly defaultCreditLimit: number,
    readonly defaultCurrency: string,
  ) {}

  static fromEnv(env: NodeJS.ProcessEnv = process.env): CreditPolicy {
    const limit = Number(env.DEFAULT_CREDIT_LIMIT ?? 100_000);
    if (!Number.isSafeInteger(limit) || limit < 0) {
      throw new Error(
        `DEFAULT_CREDIT_LIMIT must be a non-negative integer (minor units), got ${String(env.DEFAULT_CREDIT_LIMIT)}`,
      );
    }
    const currency = env.DEFAULT_CURRENCY ?? 'EUR';
    if (!/^[A-Z]{3}$/.test(currency))
      throw new Error(`DEFAULT_CURRENCY must be an ISO-4217 code, got ${currency}`);
    return new CreditPolicy(limit, currency);
  }
}
