import type { EntityManager } from 'typeorm';

import type { EventContext } from './event-route.js';

/**
 * What a set-based handler's records note during one transaction, written once just before
 * it commits (EventContext.beforeCommit) with the whole transaction's worth: a few statements
 * per transaction instead of a few per record. The notes die with the transaction: a failed
 * transaction's are never written, and its records are noted again when they run once more.
 */
export class TransactionBatch<T> {
  private readonly open = new WeakMap<EntityManager, T[]>();

  constructor(
    private readonly write: (manager: EntityManager, notes: readonly T[]) => Promise<void>,
  ) {}

  note(context: EventContext, note: T): Promise<void> {
    const { manager } = context;
    const notes = this.open.get(manager);
    if (notes) notes.push(note);
    else {
      const first = [note];
      this.open.set(manager, first);
      context.beforeCommit(() => {
        this.open.delete(manager);
        return this.write(manager, first);
      });
    }
    return Promise.resolve();
  }
}
