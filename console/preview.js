// "Preview impact": what a draft config or draft rules would change on the tenant's last logged
// requests (POST .../preview), before saving. The server replays the requests under the current
// and the draft document; this shows its figures, a small chart (share of responses changed,
// catalog coverage before and after) and the items gained and lost most often.
import { call, problemText, tenantPath } from './api.js';
import { h, table } from './ui.js';

const SVG = 'http://www.w3.org/2000/svg';

function svg(tag, attributes = {}, text) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

const percent = (share) => `${(100 * share).toFixed(1)} %`;

// Bars of shares in [0, 1]: [{label, value, kind}], kind 'now' or 'draft' picks the colour.
function barChart(bars) {
  const width = 360, row = 26, left = 150, barWidth = width - left - 60;
  const chart = svg('svg', { id: 'preview-chart', role: 'img', width, height: bars.length * row + 8,
    viewBox: `0 0 ${width} ${bars.length * row + 8}`, 'aria-label': bars.map((b) => `${b.label}: ${percent(b.value)}`).join('; ') });
  bars.forEach((bar, i) => {
    const y = 4 + i * row;
    chart.append(svg('text', { x: 0, y: y + 15, 'font-size': 12, fill: '#1d2228' }, bar.label));
    chart.append(svg('rect', { x: left, y: y + 3, height: 16, width: Math.max(1, Math.round(barWidth * Math.min(1, bar.value))),
      fill: bar.kind === 'draft' ? '#1f5fbf' : '#9aa5b1' }));
    chart.append(svg('text', { x: left + barWidth + 6, y: y + 15, 'font-size': 12, fill: '#1d2228' }, percent(bar.value)));
  });
  return chart;
}

function card(label, value, id) {
  return h('div', { class: 'card' }, h('div', { class: 'value', id }, value), h('div', { class: 'label' }, label));
}

function itemsTable(title, items) {
  return h('div', {}, h('h3', {}, title), items.length === 0 ? h('p', { class: 'muted' }, 'none') :
    table(['Item', 'Responses'], items.map((item) => [item.item_id, String(item.responses)])));
}

// The report as the page shows it.
export function reportView(d) {
  const warnings = d.warnings.map((w) => h('div', { class: 'message warn', role: 'status' }, `${w.code}: ${w.detail}`));
  const offPolicy = d.off_policy ? h('p', { id: 'preview-off-policy' },
    `Off-policy estimate over ${d.off_policy.responses} exploring responses: ${d.off_policy.estimate.toFixed(4)} clicks per response ` +
    `[95 %: ${d.off_policy.interval[0].toFixed(4)}, ${d.off_policy.interval[1].toFixed(4)}] against ${d.off_policy.logged_clicks.toFixed(4)} served` +
    (d.off_policy.enough_support ? '.' : ' (too little support to trust).')) : null;
  return h('section', { id: 'preview-result', 'aria-label': 'Impact preview' },
    h('h2', {}, 'Impact on the last logged requests'),
    h('p', { class: 'muted' }, `${d.replayed} of ${d.logged} logged requests replayed in ${d.seconds.toFixed(2)} s; nothing was saved.`),
    warnings,
    h('div', { class: 'grid' },
      card('responses changed', percent(d.changed.share), 'preview-changed'),
      card('mean rank-biased overlap', d.mean_rbo.toFixed(3), 'preview-rbo'),
      card('coverage now → draft', `${percent(d.before.coverage)} → ${percent(d.after.coverage)}`, 'preview-coverage'),
      card('Gini now → draft', `${d.before.gini.toFixed(3)} → ${d.after.gini.toFixed(3)}`, 'preview-gini'),
      card('became empty / short', `${d.became_empty} / ${d.became_short}`, 'preview-empty'),
      card('pinned / blocked / boosted (draft)', `${d.after.pinned} / ${d.after.blocked} / ${d.after.boosted}`, 'preview-rules')),
    barChart([
      { label: 'changed (draft)', value: d.changed.share, kind: 'draft' },
      { label: 'coverage now', value: d.before.coverage, kind: 'now' },
      { label: 'coverage draft', value: d.after.coverage, kind: 'draft' },
    ]),
    offPolicy,
    h('div', { class: 'grid' }, itemsTable('Gained most often', d.gained), itemsTable('Lost most often', d.lost)));
}

// A "Preview impact" button with its sample size; `draft()` returns the request's draft part
// ({config} or {rules}) or undefined (having said why); the result goes into `out`.
export function previewControls(draft, message, out) {
  const last = h('input', { id: 'preview-last', type: 'number', min: '1', value: '5000', 'aria-label': 'Requests to replay' });
  const button = h('button', { type: 'button', id: 'preview-run' }, 'Preview impact');
  button.addEventListener('click', async () => {
    const body = draft();
    if (body === undefined) return;
    button.disabled = true;
    out.replaceChildren(h('p', { class: 'muted', role: 'status' }, 'Replaying the last logged requests…'));
    const r = await call('POST', tenantPath('/preview'), { body: { ...body, sample: { last: Number(last.value || 5000) } } });
    button.disabled = false;
    if (!r.ok) {
      out.replaceChildren();
      return message.show('error', problemText(r));
    }
    message.clear();
    out.replaceChildren(reportView(r.data));
  });
  return h('div', { class: 'row' }, button, h('label', { for: 'preview-last' }, 'over the last'), last, h('span', {}, 'requests'));
}
