// Overview: the tenant's status, document versions, snapshots per surface and recent activity.
import { call, problemText, tenantPath } from './api.js';
import { h, pageProblem, table } from './ui.js';

export const title = 'Overview';

function card(label, value, id) {
  return h('div', { class: 'card' }, h('div', { class: 'label' }, label), h('div', { class: 'value', id }, value));
}

// A version ETag, shortened for display; the whole one in the tooltip.
function version(etag, none) {
  return etag ? h('span', { title: etag }, `${etag.slice(0, 12)}…`) : none;
}

export async function render(main) {
  const r = await call('GET', tenantPath('/overview'));
  if (!r.ok) return pageProblem(main, title, problemText(r));
  const o = r.data;
  const perMinute = (n) => (n / o.activity.minutes).toFixed(1);
  main.replaceChildren(
    h('h1', {}, `Overview: ${o.tenant_id}`),
    h('div', { class: 'grid' },
      card('Status', o.status, 'overview-status'),
      card('Config version', version(o.config_version, 'defaults'), 'overview-config'),
      card('Rules version', version(o.rules_version, 'none'), 'overview-rules'),
      card('Signals loaded', o.signals_loaded_at || 'not yet', 'overview-loaded'),
      card(`Events / minute (last ${o.activity.minutes})`, perMinute(o.activity.events), 'overview-events'),
      card(`Exposures / minute (last ${o.activity.minutes})`, perMinute(o.activity.exposures), 'overview-exposures')),
    o.warm_started ? h('div', { class: 'message warn' }, 'Serving warm-started snapshots; a reload from the database is due.') : '',
    h('h2', {}, 'Snapshots per surface (this instance)'),
    o.surfaces.length === 0
      ? h('p', { class: 'muted' }, 'No signals loaded: import events and run `recsys-service signals build`.')
      : table(['Surface', 'Items', 'Tags', 'Memory'], o.surfaces.map((s) =>
        [s.surface, String(s.items), String(s.tags), `${(s.memory_bytes / 1048576).toFixed(1)} MiB`])),
    h('h2', {}, 'Checks (surface "default")'),
    o.checks.length === 0 ? h('p', { class: 'muted' }, 'No checks: the tenant is not served here.') :
      table(['', 'Check', 'Found', 'Fix'], o.checks.map((c) => [
        h('span', { class: `level ${c.level}` }, c.level), c.name, c.detail, c.fix || ''])),
    h('p', { class: 'muted' }, `The same checks, with the database and migrations first: \`recsys-service doctor --tenant ${o.tenant_id}\`.`));
}
