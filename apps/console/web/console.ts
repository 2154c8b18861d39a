/**
 * The console page's script: one EventSource on /api/stream redraws the panels with every
 * snapshot; admin panels call the console's /api/admin proxy with the token typed in.
 */
import type { Snapshot } from '../src/snapshot/snapshot.js';
import { token } from './admin-api.js';
import { DeadLettersPanel } from './dead-letters-panel.js';
import { byId } from './dom.js';
import { renderMetricPanels } from './metric-panels.js';
import { ReplayPanel } from './replay-panel.js';

const deadLetters = new DeadLettersPanel();
const replay = new ReplayPanel();

const tokenInput = byId('token') as HTMLInputElement;
const showTokenState = (): void => {
  byId('token-state').textContent = token.get() ? 'token set' : 'no token';
};
byId('token-form').addEventListener('submit', (event) => {
  event.preventDefault();
  token.set(tokenInput.value.trim());
  tokenInput.value = '';
  showTokenState();
  replay.tokenChanged();
  void deadLetters.refresh();
});
showTokenState();

const connection = byId('connection');
const stream = new EventSource('/api/stream');
stream.addEventListener('open', () => {
  connection.textContent = 'live';
  connection.className = 'live';
});
stream.addEventListener('error', () => {
  // EventSource reconnects by itself; say so instead of showing stale numbers as live.
  connection.textContent = 'reconnecting…';
  connection.className = '';
});
stream.addEventListener('message', (event: MessageEvent<string>) => {
  const snapshot = JSON.parse(event.data) as Snapshot;
  connection.textContent = `live · ${new Date(snapshot.at).toLocaleTimeString()}`;
  connection.className = 'live';
  renderMetricPanels(snapshot);
  deadLetters.onSnapshot(snapshot);
  replay.onSnapshot();
});
