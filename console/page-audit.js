// Audit: every admin action, newest first, filtered by action and actor, paged; each entry's
// before and after states as a diff.
import { call, problemText, tenantPath } from './api.js';
import { diffView } from './diff.js';
import { field, h, messageBox, pretty, table } from './ui.js';

export const title = 'Audit';

export async function render(main) {
  const action = field('Action', h('input', { id: 'audit-action', placeholder: 'config.update' }));
  const actor = field('Actor', h('input', { id: 'audit-actor' }));
  const message = messageBox();
  const results = h('div', { id: 'audit-results' });
  const more = h('button', { type: 'button', id: 'audit-more', hidden: true }, 'Older entries');
  let next = null;

  const load = async (append) => {
    const query = new URLSearchParams({ limit: '25' });
    if (action.control.value.trim()) query.set('action', action.control.value.trim());
    if (actor.control.value.trim()) query.set('actor', actor.control.value.trim());
    if (append && next) { query.set('before', next.before); query.set('before_id', String(next.before_id)); }
    const r = await call('GET', tenantPath(`/audit?${query}`));
    if (!r.ok) return message.show('error', problemText(r));
    message.clear();
    if (!append) results.replaceChildren();
    next = r.data.next_before ? { before: r.data.next_before, before_id: r.data.next_before_id } : null;
    more.hidden = !next;
    if (r.data.entries.length === 0 && !append) results.append(h('p', { class: 'muted' }, 'No entries.'));
    results.append(table(['When', 'Action', 'Actor', 'Entity', 'Change'], r.data.entries.map((e) => {
      const detail = h('details', {}, h('summary', {}, 'before / after'),
        diffView(e.before_state ? pretty(e.before_state) : '', e.after_state ? pretty(e.after_state) : '', `Change ${e.id}`));
      return [e.occurred_at, h('code', {}, e.action), `${e.actor_sub} (${e.actor_type})`,
        `${e.entity_type || ''} ${e.entity_id || ''}`.trim(), e.before_state || e.after_state ? detail : ''];
    })));
  };
  more.addEventListener('click', () => load(true));
  const form = h('form', { 'aria-label': 'Filter the audit log' }, h('div', { class: 'row' }, action.wrap, actor.wrap,
    h('button', { type: 'submit', id: 'audit-filter' }, 'Filter')));
  form.addEventListener('submit', (event) => { event.preventDefault(); load(false); });
  main.replaceChildren(h('h1', {}, title), form, message, results, more);
  await load(false);
}
