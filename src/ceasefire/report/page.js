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
  // P(deal signed by the end of each calendar month) with its Monte Carlo 95% band
  const s = d.settlement, p = s.p_by_month, se = s.p_se;
  // P(signed by the END of month k): drawn at the first day of the next month
  const date = (k) => { const [y, m] = s.calendar[k].split('-').map(Number);
    return `${y + Math.floor(m / 12)}-${String(m % 12 + 1).padStart(2, '0')}-01`; };
  const values = p.map((x, k) => ({date: date(k), month: s.calendar[k], y: x,
                                   lo: Math.max(0, x - 1.96 * se[k]),
                                   hi: Math.min(1, x + 1.96 * se[k])}));
  const k12 = Math.min(12, p.length) - 1;
  const marks = [{date: date(k12), y: p[k12], label: `within ${k12 + 1} months: ${pct(p[k12])}`}];
  if (s.median_month !== null && s.median_month !== k12) {
    marks.push({date: date(s.median_month), y: p[s.median_month],
                label: `median: ${s.calendar[s.median_month]}`});
  }
  window.lastCurve = p;
  const x = {field: 'date', type: 'temporal', title: null, axis: {format: '%b %Y'}};
  const y = {field: 'y', type: 'quantitative', title: 'P(deal signed by then)',
             scale: {domain: [0, 1]}, axis: {format: '%'}};
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json', width: 'container', height: 260,
    title: {text: 'P(deal signed by each month)',
            subtitle: `band: Monte Carlo 95% (${d.engine.paths} paths)`},
    layer: [
      {data: {values}, mark: {type: 'area', opacity: 0.25, color: '#1f5f99'},
       encoding: {x, y: {field: 'lo', type: 'quantitative'}, y2: {field: 'hi'}}},
      {data: {values}, mark: {type: 'line', color: '#1f5f99', strokeWidth: 2},
       encoding: {x, y, tooltip: [{field: 'month', type: 'nominal', title: 'by the end of'},
                                  {field: 'y', type: 'quantitative', format: '.1%',
                                   title: 'P(deal signed)'}]}},
      {data: {values: marks}, mark: {type: 'point', filled: true, color: 'black'},
       encoding: {x, y}},
      {data: {values: marks}, mark: {type: 'text', align: 'left', dx: 7, dy: 12},
       encoding: {x, y, text: {field: 'label'}}},
    ],
  };
}

function pct(x) { return x > 0.995 ? '>99%' : x < 0.005 ? '<1%' : (100 * x).toFixed(0) + '%'; }

async function draw(d) {
  await window.vegaEmbed('#curve', curveSpec(d), {actions: false, renderer: 'svg'});
  const s = d.settlement, p = s.p_by_month, se = s.p_se, k12 = Math.min(12, p.length) - 1;
  const med = s.median_month, deal = d.predicted_deal;
  let head = `P(deal within ${k12 + 1} months): ${pct(p[k12])} ± ${(196 * se[k12]).toFixed(0)}%. ` +
    'Median month: ' + (med === null ? `beyond the ${p.length} months shown. ` :
                        `${s.calendar[med]} (month ${med}). `);
  if (deal && deal.p_hold_12 !== null) {
    head += `P(the deal holds 12 / 36 months): ${pct(deal.p_hold_12)} / ${pct(deal.p_hold_36)}. `;
  }
  const stall = Object.entries(d.stalling || {}).filter(([, v]) => v).map(([k]) => k);
  $('headline').textContent = head + `Stalling: ${stall.join(', ') || 'nobody'}.`;
  const veto = d.veto_players;
  let t = '<tr><th>plan</th>' + veto.map(a => `<th>${a}</th>`).join('') +
          '<th>all now</th><th>all from month</th><th>holds 36 mo</th></tr>';
  for (const p of d.plans) {
    t += `<tr><td>${p.id}</td>` + veto.map(a => `<td class="${p.margin[a] >= 0 ? 'yes' : 'no'}">` +
         `${fmt(p.margin[a], 3)}</td>`).join('') +
         `<td class="${p.veto_players_accept ? 'yes' : 'no'}">${p.veto_players_accept ? 'yes' : 'no'}</td>` +
         `<td>${p.first_month_all_veto_accept ?? 'never'}</td>` +
         `<td>${pct(p.p_hold_36)}</td></tr>`;
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
