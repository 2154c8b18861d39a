/**
 * The console's one page. It lives in a TypeScript string rather than an .html file because
 * the build is `tsc` alone and the runtime image holds only dist/: the page travels with the
 * compiled server. Its script (apps/console/web) fills every panel from /api/stream.
 */
export const CONSOLE_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Order saga console</title>
<link rel="icon" href="data:,">
<style>
  :root { --ok: #1a7f37; --warn: #b7791f; --trouble: #c62828; --line: #d8dee4; --muted: #57606a; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 14px/1.4 system-ui, sans-serif; color: #1f2328; background: #f6f8fa; }
  header { display: flex; align-items: center; gap: 16px; padding: 10px 18px; background: #24292f; color: #fff; flex-wrap: wrap; }
  header h1 { font-size: 17px; margin: 0; }
  #connection { font-size: 12px; padding: 2px 8px; border-radius: 10px; background: #57606a; }
  #connection.live { background: var(--ok); }
  #instances { display: flex; gap: 6px; flex-wrap: wrap; font-size: 12px; }
  .instance { padding: 1px 7px; border-radius: 9px; background: var(--ok); }
  .instance.down { background: var(--trouble); }
  #token-form { margin-left: auto; display: flex; gap: 6px; align-items: center; font-size: 12px; }
  #token-form input { width: 170px; padding: 3px 6px; }
  main { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 12px; padding: 12px; }
  @media (max-width: 1000px) { main { grid-template-columns: minmax(0, 1fr); } }
  section { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; overflow-x: auto; }
  section.wide { grid-column: 1 / -1; }
  section.two { grid-column: span 2; }
  @media (max-width: 1000px) { section.two { grid-column: auto; } }
  h2 { font-size: 14px; margin: 0 0 8px; }
  h2 small { font-weight: normal; color: var(--muted); }
  table { border-collapse: collapse; width: 100%; font-size: 13px; }
  th, td { text-align: left; padding: 3px 5px; border-bottom: 1px solid var(--line); white-space: nowrap; }
  th { color: var(--muted); font-weight: 600; }
  td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
  .ok { color: var(--ok); } .warn { color: var(--warn); font-weight: 600; } .trouble { color: var(--trouble); font-weight: 700; }
  .tiles { display: grid; grid-template-columns: repeat(2, 1fr); gap: 8px; }
  .tile { border: 1px solid var(--line); border-radius: 6px; padding: 6px 8px; }
  .tile .label { color: var(--muted); font-size: 12px; }
  .tile .rate { font-size: 22px; font-weight: 700; font-variant-numeric: tabular-nums; }
  .tile .total { font-size: 12px; color: var(--muted); }
  .message { font-size: 13px; margin: 6px 0; color: var(--muted); }
  .message.error { color: var(--trouble); font-weight: 600; }
  button { font-size: 12px; padding: 2px 8px; cursor: pointer; }
  pre { background: #f6f8fa; border: 1px solid var(--line); padding: 6px; font-size: 12px; max-height: 180px; overflow: auto; white-space: pre-wrap; word-break: break-all; }
  .phases { display: flex; gap: 4px; flex-wrap: wrap; margin: 6px 0; }
  .phase { font-size: 11px; padding: 1px 6px; border-radius: 8px; background: #eaeef2; color: var(--muted); }
  .phase.current { background: #0969da; color: #fff; }
  .phase.passed { background: #dafbe1; color: var(--ok); }
  .empty { color: var(--muted); font-style: italic; }
</style>
</head>
<body>
<header>
  <h1>Order saga console</h1>
  <span id="connection">connecting…</span>
  <span id="instances"></span>
  <form id="token-form">
    <label for="token">admin token</label>
    <input id="token" type="password" autocomplete="off" placeholder="bearer token">
    <button id="token-save" type="submit">use</button>
    <span id="token-state"></span>
  </form>
</header>
<main>
  <section>
    <h2>Saga flow <small>orders/s over 10 s, as the read model applies them</small></h2>
    <div class="tiles" id="flow"></div>
  </section>
  <section>
    <h2>Commit → effect p99 <small id="slo"></small></h2>
    <div id="latency"></div>
  </section>
  <section>
    <h2>Outbox <small>rows committed, not yet published</small></h2>
    <div id="outbox"></div>
    <h2 style="margin-top:10px">Relay leader <small>instance holding the advisory lock</small></h2>
    <div id="relay"></div>
  </section>
  <section>
    <h2>Consumer lag <small>records behind, per group and partition</small></h2>
    <div id="lag"></div>
  </section>
  <section class="two">
    <h2>Replay the read model <small>rebuild from the earliest offset, compare checksums, swap</small></h2>
    <button id="replay-start" type="button">rebuild read model</button>
    <div id="replay-message" class="message"></div>
    <div id="replay-status"></div>
  </section>
  <section class="wide">
    <h2>Dead letters <small>per group and reason</small></h2>
    <div id="dead-letter-counts"></div>
    <div id="dead-letter-message" class="message"></div>
    <div id="dead-letter-list"></div>
    <pre id="dead-letter-detail" hidden></pre>
  </section>
</main>
<script type="module" src="/assets/console.js"></script>
</body>
</html>
`;
