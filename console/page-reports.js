// Reports: the stored evaluation reports (eval offline / experiment / offpolicy), each shown as
// its self-contained HTML page in a sandboxed frame (no scripts), or downloaded as JSON.
import { call, problemText, tenantPath } from './api.js';
import { h, messageBox, pageProblem, table } from './ui.js';

export const title = 'Reports';

export async function render(main) {
  const r = await call('GET', tenantPath('/reports?limit=50'));
  if (!r.ok) return pageProblem(main, title, problemText(r));
  const message = messageBox();
  const view = h('div', { id: 'report-view' });
  const open = async (report) => {
    const page = await call('GET', tenantPath(`/reports/${encodeURIComponent(report.id)}?format=html`));
    if (!page.ok) return message.show('error', problemText(page));
    const frame = h('iframe', { class: 'report', title: report.title, sandbox: '' });
    frame.srcdoc = page.data;
    view.replaceChildren(h('h2', {}, report.title), frame);
  };
  const summary = (s) => Object.entries(s || {}).map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : v}`).join(', ');
  main.replaceChildren(h('h1', {}, title), message,
    r.data.reports.length === 0
      ? h('p', { class: 'muted' }, 'No reports yet: run `recsys-service eval offline` or `eval experiment`.')
      : table(['Created', 'Kind', 'Title', 'Summary', ''], r.data.reports.map((report) => [
        report.created_at, report.kind, report.title, summary(report.summary),
        h('button', { type: 'button', onclick: () => open(report) }, 'Open')])),
    view);
}
