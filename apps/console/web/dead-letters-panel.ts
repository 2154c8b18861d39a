import type { DeadLetterCount, Snapshot } from '../src/snapshot/snapshot.js';
import { admin, describeFailure } from './admin-api.js';
import type { DeadLetterItem, RedriveAnswer } from './admin-types.js';
import { byId, empty, h, table } from './dom.js';

const REFRESH_MS = 5_000;

type Listed = DeadLetterItem & { service: string };

/**
 * Dead letters: counts per group and reason come with every snapshot (no token needed);
 * the records themselves are listed through the admin API with the operator's token, again
 * whenever the counts change, every few seconds, and after each action. A record whose event
 * is in its consumer's inbox (applied after a redrive) leaves the open list.
 */
export class DeadLettersPanel {
  private listed: Listed[] | null = null;
  private lastCounts = '';
  private lastFetch = 0;
  private fetching = false;
  /** The services with a dead-letters admin API, as the snapshot names them. */
  private services: string[] = [];

  onSnapshot(snapshot: Snapshot): void {
    this.services = snapshot.services.filter((s) => s.deadLetters).map((s) => s.name);
    this.renderCounts(snapshot.deadLetters);
    const counts = JSON.stringify(snapshot.deadLetters);
    if (counts !== this.lastCounts || Date.now() - this.lastFetch > REFRESH_MS) {
      this.lastCounts = counts;
      void this.refresh();
    }
  }

  async refresh(): Promise<void> {
    if (this.fetching || this.services.length === 0) return;
    this.fetching = true;
    this.lastFetch = Date.now();
    try {
      const answers = await Promise.all(
        this.services.map(async (service) => ({
          service,
          answer: await admin<{ items: DeadLetterItem[] }>('GET', `/${service}/dead-letters`),
        })),
      );
      const failed = answers.find((a) => a.answer.status !== 200);
      if (failed) {
        this.listed = null;
        this.message(`${failed.service}: ${describeFailure(failed.answer)}`, true);
        byId('dead-letter-list').replaceChildren();
        return;
      }
      this.listed = answers.flatMap(({ service, answer }) =>
        answer.body.items.map((item) => ({ ...item, service })),
      );
      this.renderList();
    } catch (error) {
      this.message(`the console did not answer: ${String(error)}`, true);
    } finally {
      this.fetching = false;
    }
  }

  private renderCounts(counts: readonly DeadLetterCount[]): void {
    const openOf = (c: DeadLetterCount): string =>
      this.listed === null
        ? '?'
        : String(
            this.listed.filter(
              (d) => !d.applied && d.consumerGroup === c.group && d.reason === c.reason,
            ).length,
          );
    byId('dead-letter-counts').replaceChildren(
      counts.length === 0
        ? empty('no dead letters since the services started')
        : table(
            ['group', 'reason', ['dead-lettered since start', 'num'], ['open now', 'num']],
            counts.map((c) =>
              h(
                'tr',
                { 'data-dead-letter-count': `${c.group}|${c.reason}` },
                h('td', {}, c.group),
                h('td', { class: 'trouble' }, c.reason),
                h('td', { class: 'num count' }, c.count),
                h('td', { class: 'num open' }, openOf(c)),
              ),
            ),
          ),
    );
  }

  private renderList(): void {
    const open = (this.listed ?? []).filter((d) => !d.applied);
    const applied = (this.listed ?? []).length - open.length;
    this.message(
      `${open.length} open in the dead-letter topics; ${applied} redriven and applied (not listed).`,
      false,
    );
    byId('dead-letter-list').replaceChildren(
      open.length === 0
        ? empty('nothing waits for a decision')
        : table(
            ['group', 'id', 'reason', 'event', 'key (order)', 'source', 'failed at', ''],
            open.map((d) =>
              h(
                'tr',
                { 'data-dead-letter': `${d.service}/${d.id}`, 'data-key': d.key ?? '' },
                h('td', {}, d.service),
                h('td', {}, d.id),
                h('td', { class: 'trouble' }, d.reason),
                h('td', {}, d.eventType ?? '—'),
                h('td', {}, d.key ?? '—'),
                h('td', {}, `${d.source.topic} ${d.source.partition}:${d.source.offset}`),
                h('td', {}, d.failedAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z')),
                h(
                  'td',
                  {},
                  this.button('inspect', () => this.inspect(d)),
                  ' ',
                  this.button('redrive', () => this.redrive(d)),
                ),
              ),
            ),
          ),
    );
  }

  private button(label: string, action: () => Promise<void>): HTMLElement {
    const button = h('button', { type: 'button', 'data-action': label }, label);
    button.addEventListener('click', () => void action());
    return button;
  }

  private async inspect(d: Listed): Promise<void> {
    const answer = await admin<unknown>('GET', `/${d.service}/dead-letters/${d.id}`);
    const detail = byId('dead-letter-detail');
    detail.hidden = false;
    detail.textContent =
      answer.status === 200 ? JSON.stringify(answer.body, null, 2) : describeFailure(answer);
  }

  private async redrive(d: Listed): Promise<void> {
    const answer = await admin<RedriveAnswer>('POST', `/${d.service}/dead-letters/redrive`, {
      ids: [d.id],
    });
    if (answer.status !== 200) {
      this.message(`redrive of ${d.service} ${d.id}: ${describeFailure(answer)}`, true);
      return;
    }
    const results = answer.body.results
      .map((r) => `${r.id} ${r.outcome}${r.reason ? ` (${r.reason})` : ''}`)
      .join(', ');
    await this.refresh();
    this.message(`redrive of ${d.service}: ${results}`, false);
  }

  private message(text: string, error: boolean): void {
    const element = byId('dead-letter-message');
    element.textContent = text;
    element.className = error ? 'message error' : 'message';
  }
}
