import type { LagRow, Snapshot } from '../src/snapshot/snapshot.js';
import { byId, empty, h, table } from './dom.js';
import { hostOf, perSecond, seconds } from './format.js';

/** Every panel that the stream alone feeds (no token needed), redrawn per snapshot. */
export function renderMetricPanels(snapshot: Snapshot): void {
  byId('instances').replaceChildren(
    ...snapshot.instances.map((i) =>
      h(
        'span',
        {
          class: i.up ? 'instance' : 'instance down',
          title: i.error ?? 'metrics answered',
          'data-instance': i.url,
        },
        `${i.service} ${hostOf(i.url)}${i.up ? '' : ' down'}`,
      ),
    ),
  );

  byId('flow').replaceChildren(
    ...snapshot.flow.map((row) =>
      h(
        'div',
        { class: 'tile', 'data-flow': row.step },
        h('div', { class: 'label' }, `${row.step} (${row.eventType})`),
        h('div', { class: 'rate' }, perSecond(row.perSecond), h('small', {}, ' /s')),
        h('div', { class: 'total' }, 'total ', h('span', { class: 'count' }, row.total)),
      ),
    ),
  );

  byId('slo').textContent = `SLO: 99 % within ${snapshot.sloSeconds} s; red: missed`;
  byId('latency').replaceChildren(
    table(
      ['consumer', ['last minute', 'num'], ['since start', 'num'], ['events', 'num']],
      snapshot.latency.map((row) =>
        h(
          'tr',
          { 'data-latency': row.consumer },
          h('td', {}, row.consumer),
          h('td', { class: `num ${row.health}` }, seconds(row.p99Recent)),
          h('td', { class: 'num' }, seconds(row.p99Overall)),
          h('td', { class: 'num' }, row.events),
        ),
      ),
    ),
  );

  byId('outbox').replaceChildren(
    snapshot.outbox.length === 0
      ? empty('no outbox metrics yet')
      : table(
          ['service', ['backlog rows', 'num'], ['oldest row', 'num']],
          snapshot.outbox.map((row) =>
            h(
              'tr',
              { 'data-outbox': row.service },
              h('td', {}, row.service),
              h('td', { class: 'num' }, row.backlog),
              h('td', { class: `num ${row.health}` }, seconds(row.oldestAgeSeconds)),
            ),
          ),
        ),
  );

  byId('relay').replaceChildren(
    snapshot.relay.length === 0
      ? empty('no relay metrics yet')
      : table(
          ['service', 'leader', ['instances', 'num']],
          snapshot.relay.map((row) =>
            h(
              'tr',
              { 'data-relay': row.service },
              h('td', {}, row.service),
              h('td', { class: row.health }, row.leader ? hostOf(row.leader) : 'none'),
              h('td', { class: 'num' }, row.instances.length),
            ),
          ),
        ),
  );

  byId('lag').replaceChildren(lagTable(snapshot.lag));
}

/** One row per group and topic, one column per partition: six partitions fit on a line. */
function lagTable(rows: readonly LagRow[]): HTMLElement {
  if (rows.length === 0) return empty('no lag metrics yet');
  const partitions = [...new Set(rows.map((r) => r.partition))].sort((a, b) => a - b);
  const lines = new Map<string, LagRow[]>();
  for (const row of rows) {
    const key = `${row.group}|${row.topic}`;
    lines.set(key, [...(lines.get(key) ?? []), row]);
  }
  return table(
    ['group ← topic', ...partitions.map((p): [string, string] => [`p${p}`, 'num'])],
    [...lines.entries()].map(([key, cells]) => {
      const [group, topic] = key.split('|');
      return h(
        'tr',
        { 'data-lag': key },
        h('td', {}, group, h('br'), h('small', {}, `← ${topic}`)),
        ...partitions.map((p) => {
          const cell = cells.find((c) => c.partition === p);
          return h('td', { class: `num ${cell?.health ?? ''}` }, cell ? cell.lag : '');
        }),
      );
    }),
  );
}
