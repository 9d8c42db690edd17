// Try it: build a /v1/recommend or /v1/similar request and see the ranked items with their
// reasons, explain values and applied rules, and the trace.
import { call, problemText, session } from './api.js';
import { field, h, messageBox, pretty, table } from './ui.js';

export const title = 'Try it';

export async function render(main) {
  const endpoint = field('Endpoint', h('select', { id: 'try-endpoint' },
    h('option', { value: 'recommend' }, 'POST /v1/recommend'), h('option', { value: 'similar' }, 'POST /v1/similar')));
  const surface = field('Surface', h('input', { id: 'try-surface', value: 'home' }));
  const user = field('User id', h('input', { id: 'try-user', value: 'console-user' }));
  const item = field('Item id (similar)', h('input', { id: 'try-item' }));
  const k = field('k', h('input', { id: 'try-k', type: 'number', min: '1', max: '200', value: '10' }));
  const body = h('textarea', { id: 'try-body', spellcheck: 'false', rows: 10 });
  const message = messageBox();
  const out = h('div', { id: 'try-result' });

  const build = () => {
    const request = { surface: surface.control.value.trim() || 'default', k: Number(k.control.value || 10),
      options: { include_reasons: true, explain: 'full', include_trace: true } };
    if (endpoint.control.value === 'similar') request.item_id = item.control.value.trim();
    else request.user = { user_id: user.control.value.trim() || 'console-user' };
    body.value = pretty(request);
  };
  for (const c of [endpoint, surface, user, item, k]) c.control.addEventListener('change', build);
  build();

  const send = async () => {
    let request;
    try { request = JSON.parse(body.value); } catch (error) { return message.show('error', `Request: ${error.message}`); }
    const r = await call('POST', `/v1/${endpoint.control.value}`, { body: request, headers: { 'X-Org-Id': session().tenant } });
    if (!r.ok) { out.replaceChildren(); return message.show('error', problemText(r)); }
    message.clear();
    const items = r.data.items || [];
    const explain = (it) => it.explain ? Object.entries(it.explain.signals || {}).map(([name, v]) => `${name} ${Number(v).toFixed(3)}`).join(', ') : '';
    out.replaceChildren(
      h('h2', {}, `${items.length} items`),
      table(['Rank', 'Item', 'Score', 'Reasons', 'Signals', 'Rules'], items.map((it) => [
        String(it.rank), h('code', { class: 'try-item' }, it.item_id), Number(it.score).toFixed(4),
        (it.reasons || []).join(', '), explain(it), (it.explain?.rules || []).join(', ')])),
      (r.data.warnings || []).length ? h('div', { class: 'message warn' }, r.data.warnings.map((w) => `${w.code}: ${w.detail}`).join('; ')) : '',
      h('details', {}, h('summary', {}, 'Trace and meta'), h('pre', {}, pretty(r.data.meta))));
  };

  main.replaceChildren(h('h1', {}, title),
    h('div', { class: 'grid' }, endpoint.wrap, surface.wrap, user.wrap, item.wrap, k.wrap),
    h('label', { for: 'try-body' }, 'Request body'), body,
    h('div', { class: 'row' }, h('button', { type: 'button', class: 'primary', id: 'try-send', onclick: send }, 'Send')),
    message, out);
}
