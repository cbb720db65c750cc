// The dashboard page: renders the server's state, keeps chart history, sends
// token-authorised actions. All text goes through textContent (team names come
// from the exchange and are untrusted); no inline scripts or styles (CSP).
import uPlot from '/vendor/uplot.js';
import {
  cents,
  clockTime,
  contracts,
  dollars,
  duration,
  pct,
  quotingReason,
  signedContracts,
  toStart,
  zonedTime,
  zoneName,
} from './format.js';

const HISTORY_CAP = 2000;
const $ = (id) => document.getElementById(id);

/** Creates an element: el('td', { class: 'x', 'data-testid': 'y' }, 'text', child). */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'hidden') node.hidden = true;
    else node.setAttribute(k, String(v));
  }
  for (const c of children) node.append(c instanceof Node ? c : String(c));
  return node;
}

// ---- token ----------------------------------------------------------------
const tokenInput = $('token');
{
  const m = /(?:^|[#&])token=([^&]+)/.exec(location.hash);
  if (m) {
    sessionStorage.setItem('kalshi-mm-token', decodeURIComponent(m[1]));
    history.replaceState(null, '', location.pathname); // keep the token out of the address bar
  }
  tokenInput.value = sessionStorage.getItem('kalshi-mm-token') ?? '';
  tokenInput.addEventListener('change', () =>
    sessionStorage.setItem('kalshi-mm-token', tokenInput.value.trim()),
  );
}

function showStatus(text, level) {
  const node = $('action-status');
  node.textContent = `${clockTime(Date.now())} ${text}`;
  node.className = `action-status ${level}`;
}

async function act(path, body) {
  const token = tokenInput.value.trim();
  const headers = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  try {
    const res = await fetch(path, { method: 'POST', headers, body: JSON.stringify(body) });
    const reply = await res.json().catch(() => ({}));
    if (res.ok) return { ok: true };
    return { ok: false, message: `refused (${res.status}): ${reply.error ?? res.statusText}` };
  } catch (err) {
    return { ok: false, message: `failed: ${err}` };
  }
}

// ---- kill switch: two clicks within 4 s ------------------------------------
const killButton = $('kill');
let killArmedUntil = 0;
killButton.addEventListener('click', async () => {
  const now = Date.now();
  if (now > killArmedUntil) {
    killArmedUntil = now + 4000;
    killButton.textContent = 'CONFIRM KILL';
    killButton.classList.add('armed');
    setTimeout(() => {
      if (Date.now() >= killArmedUntil) disarmKill();
    }, 4100);
    return;
  }
  disarmKill();
  const r = await act('/api/kill', { reason: 'trader pressed kill' });
  showStatus(r.ok ? 'kill switch engaged' : `kill ${r.message}`, r.ok ? 'ok' : 'error');
});
// ---- resume after a kill (operator's dashboard only): a typed confirmation ----
$('resume').addEventListener('click', async () => {
  const typed = window.prompt('Type RESUME-TRADING to clear the kill switch');
  if (typed !== 'RESUME-TRADING') return showStatus('resume cancelled', 'warn');
  const r = await act('/api/resume', { confirm: typed });
  showStatus(r.ok ? 'kill switch cleared: trading resumes' : `resume ${r.message}`, r.ok ? 'ok' : 'error');
});

function disarmKill() {
  killArmedUntil = 0;
  killButton.textContent = 'KILL SWITCH';
  killButton.classList.remove('armed');
}

// ---- state ---------------------------------------------------------------------
let state = null;
const series = new Map(); // gameId → ChartPoint[]
let selected = null;
const cards = new Map(); // gameId → { root, parts }

function appendPoints(byGame) {
  for (const [id, points] of Object.entries(byGame)) {
    const list = series.get(id) ?? [];
    list.push(...points);
    if (list.length > HISTORY_CAP) list.splice(0, list.length - HISTORY_CAP);
    series.set(id, list);
  }
}

function renderTop(s) {
  $('mode').textContent = `${s.mode} · ${s.venue}`;
  $('mode').className = `badge ${s.mode}`;
  const ws = $('conn-state');
  ws.textContent = s.connection.ws;
  ws.className = `dot ${s.connection.ws}`;
  $('ws-since').textContent = s.connection.since === null ? '–' : duration(s.now - s.connection.since);
  $('reconnects').textContent = s.connection.reconnects;
  $('resyncs').textContent = s.connection.bookResyncs;
  $('rate-limited').textContent = s.connection.rateLimited;
  $('rate-limited').className = s.connection.rateLimited > 0 ? 'warn' : '';
  $('drift').textContent = contracts(s.reconciliation.drift);
  $('drift').className = s.reconciliation.drift > 0 ? 'warn' : '';
  $('fill-count').textContent = s.fills.length;
  const real = s.games.reduce((a, g) => a + g.pnlRealized, 0);
  const marked = s.games.reduce((a, g) => a + g.pnlMarked, 0);
  $('pnl-realized').textContent = dollars(real);
  $('pnl-realized').className = real < 0 ? 'neg' : 'pos';
  $('pnl-marked').textContent = dollars(marked);
  $('pnl-marked').className = marked < 0 ? 'neg' : 'pos';
  const banner = $('banner');
  banner.hidden = !s.killed;
  banner.textContent = s.killed
    ? `KILLED (${s.killPhase ?? 'tripped'}) — ${s.killReason ?? 'no reason given'}`
    : '';
  killButton.disabled = s.killed;
  // Only the operator's dashboard (which lists shards) can clear a kill.
  $('resume').hidden = !(s.killed && Array.isArray(s.shards));
}

/** The account's cash; hidden where nobody watches it, "not read yet" before the first reading. */
function renderCash(s) {
  $('cash-panel').hidden = s.cash === undefined;
  if (s.cash === undefined) return;
  const c = s.cash;
  const set = (id, micros, cls = '') => {
    $(id).textContent = dollars(micros);
    $(id).className = cls;
  };
  set('cash-balance', c?.balance);
  set('cash-positions', c?.inPositions);
  set('cash-orders', c?.inOrders);
  set('cash-buying-power', c?.buyingPower, c?.belowFloor ? 'neg' : 'pos');
  set('cash-floor', c?.floor);
  const notes = [];
  if (c === null) notes.push('not read yet');
  else {
    notes.push(`read ${duration(Math.max(0, s.now - c.asOf))} ago`);
    if (c.belowFloor) notes.push('BELOW THE FLOOR: deposit before the exchange refuses orders');
    if (c.error) notes.push(`last poll failed: ${c.error}`);
  }
  $('cash-note').textContent = notes.join(' · ');
  $('cash-note').className = c && (c.belowFloor || c.error) ? 'warn' : 'muted';
}

/** The trading day's PnL from the stored fills and settlements (the daily report's figures). */
function renderPnlDay(s) {
  $('pnl-day-panel').hidden = s.pnlDay === undefined;
  if (s.pnlDay === undefined) return;
  const d = s.pnlDay;
  const set = (id, micros) => {
    $(id).textContent = dollars(micros);
    $(id).className = micros === undefined || micros === null ? '' : micros < 0 ? 'neg' : 'pos';
  };
  $('pnl-day').textContent = d?.day ?? '–';
  set('pnl-day-realised', d?.realised);
  set('pnl-day-trades', d?.trades);
  set('pnl-day-settlements', d?.settlements);
  set('pnl-day-fees', d?.fees);
  $('pnl-day-drawdown').textContent = dollars(d?.drawdown);
  set('pnl-day-marked', d?.marked);
  const c = d?.calibration ?? null;
  const names = { theo: 'our theo', pinnacle: 'Pinnacle', average: 'plain average' };
  $('pnl-day-brier').textContent = c
    ? `Brier (theo at the stop vs outcomes, ${c.games} game${c.games === 1 ? '' : 's'}${c.unresolved > 0 ? `, ${c.unresolved} markets waiting` : ''}): ${c.scores
        .map((x) => `${names[x.against]} ${x.brier === null ? '–' : x.brier.toFixed(4)} (${x.markets})`)
        .join(' · ')}`
    : '';
  $('pnl-day-calibration').hidden = !c || c.table.length === 0;
  const pct = (x) => `${(x * 100).toFixed(1)} %`;
  $('pnl-day-calibration-rows').replaceChildren(
    ...(c?.table ?? []).map((b) =>
      el(
        'tr',
        { 'data-testid': 'pnl-day-calibration-row' },
        el('td', {}, `${Math.round(b.lo * 100)}–${Math.round(b.hi * 100)} %`),
        el('td', { class: 'num' }, String(b.n)),
        el('td', { class: 'num' }, pct(b.meanP)),
        el('td', { class: 'num' }, pct(b.winRate)),
      ),
    ),
  );
  $('pnl-day-sports').replaceChildren(
    ...(d?.bySport ?? []).map((x) =>
      el(
        'li',
        { class: x.realised < 0 ? 'warn' : 'info', 'data-testid': 'pnl-day-sport' },
        `${x.sport}: ${dollars(x.realised)} over ${x.games} game${x.games === 1 ? '' : 's'} (settlements ${dollars(x.settlements)}, fees ${dollars(x.fees)})`,
      ),
    ),
  );
  const notes = [];
  if (d === null) notes.push('not built yet');
  else {
    notes.push(
      `built ${duration(Math.max(0, s.now - d.asOf))} ago · ${d.open} open position${d.open === 1 ? '' : 's'}${d.unpriced > 0 ? ` (${d.unpriced} without a theo, not marked)` : ''}`,
    );
    if (d.error) notes.push(`last build failed: ${d.error}`);
  }
  $('pnl-day-note').textContent = notes.join(' · ');
  $('pnl-day-note').className = d?.error ? 'warn' : 'muted';
}

/** Rolling edge of our fills: all, per sport, per side and mode, per size. */
function renderEdge(s) {
  $('edge-panel').hidden = s.edge === undefined;
  if (s.edge === undefined) return;
  const cell = (v) =>
    el(
      'td',
      { class: `num ${v === null ? 'muted' : v < 0 ? 'neg' : 'pos'}` },
      v === null ? '–' : (v / 10_000).toFixed(2),
    );
  const line = (r, cls) =>
    el(
      'tr',
      { class: cls, 'data-testid': 'edge-row', 'data-key': r.key },
      el('td', {}, r.key),
      el('td', { class: 'num' }, String(r.fills)),
      el('td', { class: 'num' }, contracts(r.contracts)),
      cell(r.edge.theo),
      cell(r.edge.mid),
      cell(r.markout['10s'].theo),
      cell(r.markout['60s'].theo),
      cell(r.markout['5m'].theo),
      cell(r.markout['5m'].mid),
    );
  const e = s.edge;
  $('edge-rows').replaceChildren(
    ...(e.all ? [line(e.all, 'total')] : []),
    ...e.bySport.map((r) => line(r, 'sport')),
    ...e.byMode.map((r) => line(r, 'mode')),
    ...e.bySize.map((r) => line(r, 'size')),
  );
}

function renderShards(s) {
  $('shards-panel').hidden = !Array.isArray(s.shards);
  if (!Array.isArray(s.shards)) return;
  $('shards').replaceChildren(
    ...s.shards.map((sh) => {
      const held = sh.lease && sh.lease.expiresAt > s.now;
      const lease = sh.lease
        ? `lease ${held ? 'held' : 'EXPIRED'} by ${sh.lease.owner} (token ${sh.lease.token}, ${held ? 'for' : 'since'} ${duration(Math.abs(sh.lease.expiresAt - s.now))})`
        : 'no lease';
      return el(
        'li',
        { class: held ? 'info' : 'warn', 'data-testid': 'shard' },
        el('span', { class: 'time' }, clockTime(sh.heartbeatAt)),
        ` shard ${sh.shardId} · heartbeat ${duration(Math.max(0, s.now - sh.heartbeatAt))} ago · ${lease}`,
      );
    }),
  );
}

/** Top 3 levels; the level holding our own quote is underlined (it is in the exchange's book too). */
function levels(list, ours) {
  if (list.length === 0) return el('span', { class: 'muted' }, '—');
  return el(
    'span',
    { class: 'levels' },
    ...list.slice(0, 3).map((l) =>
      el(
        'span',
        {
          class: ours && ours.price === l.price ? 'lvl own' : 'lvl',
          title: ours && ours.price === l.price ? 'includes our quote' : undefined,
        },
        `${cents(l.price)}×${contracts(l.size)}`,
      ),
    ),
  );
}

function quoteCell(q, side, testid) {
  if (!q) return el('td', { class: `quote ${side} none`, 'data-testid': testid }, '—');
  return el(
    'td',
    { class: `quote ${side} ${q.status}`, 'data-testid': testid, title: q.status },
    `${cents(q.price)}×${contracts(q.size)}`,
  );
}

/** One word when both sides agree ("monopsony"), else "bid/ask" modes. */
function modeText(modes) {
  if (!modes.bid && !modes.ask) return '—';
  if (modes.bid === modes.ask) return modes.bid;
  return `${modes.bid ?? '—'}/${modes.ask ?? '—'}`;
}
function modeClass(modes) {
  const all = [modes.bid, modes.ask];
  if (all.includes('ceiling')) return 'ceiling';
  if (all.includes('competitive')) return 'competitive';
  return '';
}

function buildCard(game) {
  const pause = el('button', { type: 'button', class: 'small', 'data-testid': 'pause-button' }, 'pause');
  pause.addEventListener('click', async (ev) => {
    ev.stopPropagation();
    const verb = pause.dataset.verb ?? 'pause';
    const r = await act(`/api/games/${encodeURIComponent(game.id)}/${verb}`, {});
    showStatus(r.ok ? `${game.title}: ${verb}d` : `${verb} ${r.message}`, r.ok ? 'ok' : 'error');
  });
  const parts = {
    sport: el('span', { class: 'sport' }),
    title: el('span', { class: 'title' }),
    start: el('span', { class: 'start', 'data-testid': 'time-to-start' }),
    state: el('span', { class: 'state', 'data-testid': 'game-state' }),
    theo: el('div', { class: 'theo', 'data-testid': 'theo' }),
    body: el('tbody'),
    invBar: el('div', { class: 'inv-fill' }),
    invText: el('span', { class: 'inv-text', 'data-testid': 'inventory' }),
    pnl: el('span', { class: 'pnl', 'data-testid': 'pnl' }),
    reasons: el('div', { class: 'reasons' }),
    pause,
  };
  const root = el(
    'article',
    { class: 'card', 'data-testid': 'game-card', 'data-game-id': game.id },
    el('div', { class: 'card-head' }, parts.sport, parts.title, parts.start, parts.state, pause),
    parts.theo,
    el(
      'table',
      { class: 'markets' },
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          el('th', {}, 'outcome'),
          el('th', {}, 'theo'),
          el('th', {}, 'bids'),
          el('th', {}, 'asks'),
          el('th', {}, 'our bid'),
          el('th', {}, 'our ask'),
          el('th', {}, 'mode'),
        ),
      ),
      parts.body,
    ),
    el(
      'div',
      { class: 'card-foot' },
      el(
        'div',
        { class: 'inv-bar', title: 'signed inventory against its limit' },
        el('div', { class: 'inv-zero' }),
        parts.invBar,
      ),
      parts.invText,
      parts.pnl,
    ),
    parts.reasons,
  );
  root.addEventListener('click', () => select(game.id));
  return { root, parts };
}

function renderCard(card, g, now) {
  const p = card.parts;
  p.sport.textContent = g.sport;
  p.title.textContent = g.title;
  p.start.textContent = toStart(g.startTime, now);
  p.start.className = `start ${g.stopTime <= now ? 'past-stop' : g.startTime - now < 15 * 60_000 ? 'soon' : ''}`;
  const reason = quotingReason(g.state);
  p.state.textContent = reason.text;
  p.state.title = g.state;
  p.state.dataset.reason = g.state;
  p.state.className = `state ${reason.kind} ${g.state.replace(/[^a-z-]/g, '')}`;
  const paused = g.state === 'paused' || g.state === 'paused-by-operator';
  p.pause.dataset.verb = paused ? 'resume' : 'pause';
  p.pause.textContent = paused ? 'resume' : 'pause';
  if (g.theo) {
    const age = now - g.theo.asOf;
    p.theo.textContent = `theo age ${duration(age)} · ${g.theo.books} books`;
    p.theo.className = `theo ${age > 10 * 60_000 ? 'stale' : ''}`;
  } else {
    p.theo.textContent = 'no theo';
    p.theo.className = 'theo stale';
  }
  p.body.replaceChildren(
    ...g.markets.map((m) =>
      el(
        'tr',
        { 'data-testid': 'market-row', 'data-ticker': m.ticker },
        el('td', { class: 'outcome', title: m.ticker }, m.outcome),
        el('td', { class: 'num' }, pct(m.theo)),
        el('td', { class: 'book bid' }, levels(m.bids, m.ours.bid)),
        el('td', { class: 'book ask' }, levels(m.asks, m.ours.ask)),
        quoteCell(m.ours.bid, 'bid', 'our-bid'),
        quoteCell(m.ours.ask, 'ask', 'our-ask'),
        el('td', { class: `mode ${modeClass(m.modes)}`, 'data-testid': 'quote-mode' }, modeText(m.modes)),
      ),
    ),
  );
  const limit = Math.max(1, g.inventoryLimit);
  const share = Math.max(-1, Math.min(1, g.inventory / limit));
  p.invBar.style.width = `${Math.abs(share) * 50}%`;
  p.invBar.style.left = share >= 0 ? '50%' : `${50 - Math.abs(share) * 50}%`;
  p.invBar.className = `inv-fill ${Math.abs(share) >= 0.999 ? 'at-limit' : Math.abs(share) > 0.7 ? 'high' : ''}`;
  p.invText.textContent = `inv ${signedContracts(g.inventory)} / ${contracts(g.inventoryLimit)}`;
  p.pnl.textContent = `PnL ${dollars(g.pnlRealized)} real · ${dollars(g.pnlMarked)} marked`;
  p.pnl.className = `pnl ${g.pnlMarked < 0 ? 'neg' : 'pos'}`;
  p.reasons.textContent = g.reasons.join(' · ');
  card.root.classList.toggle('selected', g.id === selected);
}

function renderGames(s) {
  const container = $('games');
  const ids = new Set(s.games.map((g) => g.id));
  for (const [id, card] of cards) {
    if (!ids.has(id)) {
      card.root.remove();
      cards.delete(id);
    }
  }
  if (s.games.length === 0) {
    container.replaceChildren(el('p', { class: 'muted' }, 'no games yet'));
    return;
  }
  container.querySelector(':scope > p')?.remove();
  for (const g of s.games) {
    let card = cards.get(g.id);
    if (!card) {
      card = buildCard(g);
      cards.set(g.id, card);
    }
    renderCard(card, g, s.now);
    container.append(card.root); // keeps server order (append moves an existing node)
  }
}

function renderFills(s) {
  const byTicker = new Map(s.games.flatMap((g) => g.markets.map((m) => [m.ticker, m.outcome])));
  $('fills').replaceChildren(
    ...s.fills.slice(0, 50).map((f) => {
      const theo = f.theo === null ? null : Math.round(f.theo * 1_000_000);
      const edge = theo === null ? null : f.side === 'bid' ? theo - f.price : f.price - theo;
      return el(
        'tr',
        { class: f.side },
        el('td', {}, clockTime(f.time)),
        el('td', { title: f.ticker }, byTicker.get(f.ticker) ?? f.ticker),
        el('td', {}, f.side === 'bid' ? 'bought' : 'sold'),
        el('td', { class: 'num' }, cents(f.price)),
        el('td', { class: 'num' }, contracts(f.size)),
        el(
          'td',
          { class: `num ${edge !== null && edge < 0 ? 'neg' : 'pos'}` },
          edge === null ? '–' : cents(edge),
        ),
      );
    }),
  );
}

function renderAlerts(s) {
  $('alerts').replaceChildren(
    ...s.alerts
      .slice(0, 30)
      .map((a) =>
        el('li', { class: a.level }, el('span', { class: 'time' }, clockTime(a.time)), ` ${a.message}`),
      ),
  );
}

// ---- charts ------------------------------------------------------------------
const charts = {};
const css = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

/** The selected game's zone: the time axes show it above UTC. */
let chartZone = 'America/New_York';

/** Legends show the latest values while the cursor is off the chart (uPlot shows "—" then). */
function showLatest(u) {
  const n = u.data[0]?.length ?? 0;
  if (u.cursor.idx == null && n > 0) u.setLegend({ idx: n - 1 }, false);
}

function makeChart(target, title, seriesSpec, valueFmt) {
  const width = Math.max(280, target.clientWidth || 420);
  return new uPlot(
    {
      title,
      width,
      height: 150,
      cursor: { drag: { x: false, y: false } },
      legend: { live: true },
      scales: { x: { time: true } },
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
      // After every redraw (a redraw resets the legend to the cursor) and when the cursor leaves.
      hooks: { draw: [showLatest], setCursor: [showLatest] },
      axes: [
        {
          stroke: css('--muted'),
          grid: { stroke: css('--grid') },
          ticks: { stroke: css('--grid') },
          size: 44,
          // Two lines per tick: the game's local time, then UTC.
          values: (_u, splits) => {
            const sec = splits.length > 1 && splits[1] - splits[0] < 60;
            return splits.map(
              (ts) => `${zonedTime(ts * 1000, chartZone, sec)}\n${zonedTime(ts * 1000, 'UTC', sec)} UTC`,
            );
          },
        },
        {
          stroke: css('--muted'),
          grid: { stroke: css('--grid') },
          ticks: { stroke: css('--grid') },
          size: 52,
          values: (_u, vals) => vals.map(valueFmt),
        },
      ],
      series: [
        {
          label: 'time',
          value: (_u, ts) =>
            ts == null
              ? '–'
              : `${zonedTime(ts * 1000, chartZone, true)} ${zoneName(chartZone)} · ${zonedTime(ts * 1000, 'UTC', true)} UTC`,
        },
        ...seriesSpec.map((s) => ({
          points: { show: false },
          ...s,
          value: (_u, v) => (v === null ? '–' : valueFmt(v)),
        })),
      ],
    },
    [[], ...seriesSpec.map(() => [])],
    target,
  );
}

function ensureCharts() {
  if (charts.price) return;
  charts.price = makeChart(
    $('chart-price'),
    'price (first market, YES)',
    [
      { label: 'theo', stroke: css('--theo'), width: 2 },
      { label: 'our bid', stroke: css('--bid'), width: 1.5 },
      { label: 'our ask', stroke: css('--ask'), width: 1.5 },
      { label: 'best bid', stroke: css('--bid-dim'), dash: [4, 4] },
      { label: 'best ask', stroke: css('--ask-dim'), dash: [4, 4] },
    ],
    (v) => cents(v),
  );
  charts.inventory = makeChart(
    $('chart-inventory'),
    'inventory',
    [
      { label: 'inventory', stroke: css('--theo'), width: 2 },
      { label: '+limit', stroke: css('--ask-dim'), dash: [2, 4] },
      { label: '−limit', stroke: css('--ask-dim'), dash: [2, 4] },
    ],
    (v) => contracts(v),
  );
  charts.pnl = makeChart(
    $('chart-pnl'),
    'PnL',
    [
      { label: 'realised', stroke: css('--bid'), width: 1.5 },
      { label: 'marked to theo', stroke: css('--theo'), width: 2 },
    ],
    (v) => dollars(v),
  );
}

function renderCharts() {
  if (!selected || !state) return;
  ensureCharts();
  const game = state.games.find((g) => g.id === selected);
  $('chart-title').textContent = game ? `charts · ${game.title}` : 'charts';
  chartZone = game?.timeZone ?? 'America/New_York';
  const pts = series.get(selected) ?? [];
  const t = pts.map((p) => p.t / 1000);
  const limit = game ? game.inventoryLimit : 0;
  charts.price.setData([
    t,
    pts.map((p) => p.theo),
    pts.map((p) => p.ourBid),
    pts.map((p) => p.ourAsk),
    pts.map((p) => p.bestBid),
    pts.map((p) => p.bestAsk),
  ]);
  charts.inventory.setData([t, pts.map((p) => p.inventory), pts.map(() => limit), pts.map(() => -limit)]);
  charts.pnl.setData([t, pts.map((p) => p.pnlRealized), pts.map((p) => p.pnlMarked)]);
}

function select(id) {
  selected = id;
  for (const [gid, card] of cards) card.root.classList.toggle('selected', gid === id);
  renderCharts();
}

function render() {
  if (!state) return;
  if (!selected || !state.games.some((g) => g.id === selected)) selected = state.games[0]?.id ?? null;
  renderTop(state);
  renderGames(state);
  renderFills(state);
  renderAlerts(state);
  renderShards(state);
  renderCash(state);
  renderEdge(state);
  renderPnlDay(state);
  renderCharts();
  document.body.dataset.updated = String(state.now);
}

// ---- live stream ---------------------------------------------------------------
function connect() {
  const stream = new EventSource('/api/events');
  const status = $('stream-state');
  stream.addEventListener('open', () => {
    status.textContent = 'live';
    status.className = 'stat live';
  });
  stream.addEventListener('error', () => {
    status.textContent = 'reconnecting…';
    status.className = 'stat down';
  });
  stream.addEventListener('init', (ev) => {
    const msg = JSON.parse(ev.data);
    series.clear();
    appendPoints(msg.history);
    state = msg.state;
    render();
  });
  stream.addEventListener('update', (ev) => {
    const msg = JSON.parse(ev.data);
    appendPoints(msg.points);
    state = msg.state;
    render();
  });
  stream.addEventListener('problem', (ev) => {
    const msg = JSON.parse(ev.data);
    showStatus(`state unavailable: ${msg.message}`, 'error');
  });
}

connect();
