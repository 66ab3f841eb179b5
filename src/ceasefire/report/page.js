// The page `ceasefire serve` shows at / (see _page.py).
const LIMITS = JSON.parse(document.getElementById('limits').textContent);
const PREMISES = JSON.parse(document.getElementById('premises').textContent);
const LEVER_WORDS = JSON.parse(document.getElementById('lever-words').textContent);
const PATHS = LIMITS.interactive_paths;
let info = null, inflight = false, pending = false, changedAt = null, runs = 0;
const $ = (id) => document.getElementById(id);
const fmt = (x, d) => (x >= 0 ? '+' : '') + x.toFixed(d);

function slider(id, label, help, lo, hi, step, value) {
  const l = document.createElement('label');
  l.innerHTML = `${label} <span class="v" id="${id}-v"></span><small>${help}</small>`;
  const r = document.createElement('input');
  Object.assign(r, {type: 'range', id, min: lo, max: hi, step, value});
  r.dataset.base = value;
  r.addEventListener('input', () => { show(r); schedule(); });
  l.appendChild(r);
  return l;
}
function show(r) { $(r.id + '-v').textContent = (+r.value).toFixed(r.step < 0.1 ? 2 : 1); }

async function loadScenario(id) {
  const res = await fetch('/scenarios/' + encodeURIComponent(id));
  info = await res.json();
  const lv = $('levers'), pr = $('premises-box');
  lv.innerHTML = ''; pr.innerHTML = '';
  for (const [name, b] of Object.entries(info.levers)) {
    lv.appendChild(slider('lever-' + name, name, LEVER_WORDS[name] || '', 0, 1, 0.05, b.value));
  }
  for (const [name, [lo, hi, step]] of Object.entries(PREMISES)) {
    const p = info.parameters[name];
    if (!p) continue;
    const a = Math.max(lo, p.lo), z = Math.min(hi, p.hi);
    pr.appendChild(slider('param-' + name, name, p.meaning, a, z, step,
                          Math.min(z, Math.max(a, p.value))));
  }
  document.querySelectorAll('input[type=range]').forEach(show);
  $('about').textContent = info.title + ' (as of ' + info.as_of + ')';
  schedule(0);
}

let timer = null;
function schedule(delay = 150) {
  changedAt = changedAt || performance.now();
  clearTimeout(timer);
  timer = setTimeout(send, delay);
}

function body() {
  const levers = {}, parameters = {};
  document.querySelectorAll('input[id^=lever-]').forEach(r => {
    const name = r.id.slice(6), b = info.levers[name];
    // an untouched lever keeps the scenario's own path; a moved one is held from month 0
    if (+r.value !== +r.dataset.base || !b.path) levers[name] = +r.value;
  });
  document.querySelectorAll('input[id^=param-]').forEach(r => {
    if (+r.value !== +r.dataset.base) parameters[r.id.slice(6)] = +r.value;
  });
  return {scenario: info.id, levers, parameters, paths: PATHS, seed: +$('seed').value || 0};
}

async function send() {
  if (inflight) { pending = true; return; }
  inflight = true; pending = false;
  const started = changedAt || performance.now();
  changedAt = null;
  $('status').className = ''; $('status').textContent = 'running…';
  try {
    const t0 = performance.now();
    const res = await fetch('/run', {method: 'POST', headers: {'Content-Type': 'application/json'},
                                     body: JSON.stringify(body())});
    const data = await res.json();
    if (!res.ok) throw new Error(data.error || res.statusText);
    const server = performance.now() - t0;
    await draw(data);
    const latency = performance.now() - started;
    runs += 1;
    window.lastRun = data; window.lastLatencyMs = latency;
    document.body.dataset.runs = String(runs);
    $('status').textContent = `updated in ${(latency / 1000).toFixed(1)} s ` +
      `(server ${(server / 1000).toFixed(1)} s) with ${PATHS} Monte Carlo paths`;
  } catch (e) {
    $('status').className = 'err'; $('status').textContent = 'error: ' + e.message;
    document.body.dataset.error = e.message;
  } finally {
    inflight = false;
    if (pending) send();
  }
}

function curveSpec(d) {
  const cal = (k) => { const [y, m] = d.as_of.split('-').map(Number); const t = m - 1 + k;
    return `${y + Math.floor(t / 12)}-${String(t % 12 + 1).padStart(2, '0')}-01`; };
  let values, title, ytitle;
  if (d.settlement && d.settlement.p_by_month) {
    const p = d.settlement.p_by_month, se = d.settlement.p_se || p.map(() => 0);
    values = p.map((x, k) => ({date: cal(k), y: x, lo: Math.max(0, x - 1.96 * se[k]),
                               hi: Math.min(1, x + 1.96 * se[k])}));
    title = 'P(deal signed by each month)'; ytitle = 'probability';
  } else {
    const g = d.ripeness.G, se = d.ripeness.G_se || g.map(() => 0);
    values = g.map((x, k) => ({date: cal(k), y: x, lo: x - 1.96 * se[k], hi: x + 1.96 * se[k]}));
    title = 'Ripeness G_t: the window is open above 0 (band: Monte Carlo 95%)';
    ytitle = 'G_t';
  }
  window.lastCurve = values.map(v => v.y);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json', width: 'container', height: 260,
    title, data: {values},
    layer: [
      {mark: {type: 'area', opacity: 0.25, color: '#1f5f99'},
       encoding: {x: {field: 'date', type: 'temporal', title: null}, y: {field: 'lo', type: 'quantitative'},
                  y2: {field: 'hi'}}},
      {mark: {type: 'line', color: '#1f5f99', strokeWidth: 2},
       encoding: {x: {field: 'date', type: 'temporal', axis: {format: '%b %Y'}},
                  y: {field: 'y', type: 'quantitative', title: ytitle},
                  tooltip: [{field: 'date', type: 'temporal', format: '%b %Y'},
                            {field: 'y', type: 'quantitative', format: '+.3f'}]}},
      {data: {values: [{z: 0}]}, mark: {type: 'rule', color: '#b8322a', strokeDash: [4, 3]},
       encoding: {y: {field: 'z', type: 'quantitative'}}},
    ],
  };
}

async function draw(d) {
  await window.vegaEmbed('#curve', curveSpec(d), {actions: false, renderer: 'svg'});
  const fo = d.first_window_month;
  let head = '';
  if (d.settlement && d.settlement.p_by_month) {
    const p = d.settlement.p_by_month;
    head = `P(deal within 12 months): ${(100 * p[Math.min(11, p.length - 1)]).toFixed(0)}%. `;
  }
  if (d.ripeness) {
    head += `G_0 = ${fmt(d.ripeness.G[0], 3)}; the window ` +
      (fo === null ? `stays shut for all ${d.ripeness.G.length} months.` :
       fo === 0 ? 'is open now.' : `first opens in month ${fo}.`);
  }
  const stall = Object.entries(d.stalling || {}).filter(([, v]) => v).map(([k]) => k);
  $('headline').textContent = head + (d.stalling ? ` Stalling: ${stall.join(', ') || 'nobody'}.` : '');
  const veto = d.veto_players;
  let t = '<tr><th>plan</th>' + veto.map(a => `<th>${a}</th>`).join('') +
          '<th>all now</th><th>all from month</th></tr>';
  for (const p of d.plans) {
    t += `<tr><td>${p.id}</td>` + veto.map(a => `<td class="${p.margin[a] >= 0 ? 'yes' : 'no'}">` +
         `${fmt(p.margin[a], 3)}</td>`).join('') +
         `<td class="${p.veto_players_accept ? 'yes' : 'no'}">${p.veto_players_accept ? 'yes' : 'no'}</td>` +
         `<td>${p.first_month_all_veto_accept ?? 'never'}</td></tr>`;
  }
  $('plans').innerHTML = t;
  const rr = d.regime_risk;
  if (rr && rr.actor) {
    let r = `<tr><th>course (${rr.actor} leadership)</th><th>removal risk</th></tr>` +
            `<tr><td>fight on</td><td>${(100 * rr.fight).toFixed(1)}%</td></tr>`;
    for (const [pid, x] of Object.entries(rr.settle)) {
      r += `<tr><td>settle on ${pid}</td><td class="${x > rr.fight ? 'no' : 'yes'}">` +
           `${(100 * x).toFixed(1)}%</td></tr>`;
    }
    $('removal').innerHTML = r;
  }
}

$('reset').addEventListener('click', () => {
  document.querySelectorAll('input[type=range]').forEach(r => { r.value = r.dataset.base; show(r); });
  schedule(0);
});
$('scenario').addEventListener('change', (e) => loadScenario(e.target.value));
$('seed').addEventListener('change', () => schedule(0));
fetch('/scenarios').then(r => r.json()).then(list => {
  const sel = $('scenario');
  for (const s of list.filter(s => s.engine)) {
    const o = document.createElement('option'); o.value = s.id; o.textContent = s.id; sel.appendChild(o);
  }
  sel.value = 'russia-ukraine-2024';
  loadScenario(sel.value || list[0].id);
});
