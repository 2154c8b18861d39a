import { admin, describeFailure } from './admin-api.js';
import type { ReplayStatus } from './admin-types.js';
import { byId, h, table } from './dom.js';

const PHASES = ['preparing', 'catching-up', 'aligning', 'comparing', 'swapping', 'done'];
const RUNNING = new Set([
  'preparing',
  'catching-up',
  'aligning',
  'comparing',
  'swapping',
  'resetting',
]);

/** The replay button, and the read model's GET /admin/replay polled while a replay runs. */
export class ReplayPanel {
  private status: ReplayStatus | null = null;
  private polled = false;
  private polling = false;

  constructor() {
    byId('replay-start').addEventListener('click', () => void this.start());
  }

  /** Once a token is there, and then on every snapshot while a replay runs. */
  onSnapshot(): void {
    if (!this.polled || (this.status && RUNNING.has(this.status.phase))) void this.poll();
  }

  tokenChanged(): void {
    this.polled = false;
    this.message('', false);
  }

  private async start(): Promise<void> {
    const answer = await admin<ReplayStatus>('POST', '/replay', {});
    if (answer.status !== 202) {
      this.message(`replay not started: ${describeFailure(answer)}`, true);
      return;
    }
    this.message('rebuild started', false);
    this.render(answer.body);
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const answer = await admin<ReplayStatus>('GET', '/replay');
      this.polled = true;
      if (answer.status === 200) this.render(answer.body);
      else this.message(`replay status: ${describeFailure(answer)}`, true);
    } finally {
      this.polling = false;
    }
  }

  private render(status: ReplayStatus): void {
    this.status = status;
    const at = PHASES.indexOf(status.phase);
    const match = status.checksumsMatch === null ? '—' : status.checksumsMatch ? 'match' : 'DIFFER';
    byId('replay-status').replaceChildren(
      h(
        'div',
        { class: 'phases' },
        ...PHASES.map((phase, i) =>
          h(
            'span',
            {
              class: `phase${phase === status.phase ? ' current' : at > i ? ' passed' : ''}`,
            },
            phase,
          ),
        ),
        status.phase === 'failed' ? h('span', { class: 'phase trouble' }, 'failed') : null,
      ),
      table(
        [
          'phase',
          ['behind', 'num'],
          ['orders', 'num'],
          'live checksum',
          'rebuilt checksum',
          'result',
          'swapped',
        ],
        [
          h(
            'tr',
            { 'data-replay': status.phase },
            h('td', { class: 'replay-phase' }, status.phase),
            h('td', { class: 'num' }, status.behind ?? '—'),
            h('td', { class: 'num' }, status.orders ?? '—'),
            h('td', { class: 'replay-live' }, status.liveChecksum?.slice(0, 16) ?? '—'),
            h('td', { class: 'replay-rebuilt' }, status.rebuiltChecksum?.slice(0, 16) ?? '—'),
            h(
              'td',
              { class: `replay-result ${status.checksumsMatch === false ? 'trouble' : 'ok'}` },
              match,
            ),
            h('td', {}, status.swapped ? 'yes' : 'no'),
          ),
        ],
      ),
      ...(status.error ? [h('div', { class: 'message error' }, status.error)] : []),
    );
  }

  private message(text: string, error: boolean): void {
    const element = byId('replay-message');
    element.textContent = text;
    element.className = error ? 'message error' : 'message';
  }
}
