// Versions: config and rules history, a diff between any two versions, and a confirmed rollback.
import { call, problemText, tenantPath } from './api.js';
import { diffView } from './diff.js';
import { field, h, messageBox, pretty, table } from './ui.js';

export const title = 'Versions';

async function history(kind, main) {
  const r = await call('GET', tenantPath(`/${kind}/versions?limit=50`));
  const section = h('section', { 'aria-label': `${kind} versions` }, h('h2', {}, kind === 'config' ? 'Config' : 'Rules'));
  if (!r.ok) return section.append(h('div', { class: 'message error', role: 'alert' }, problemText(r))), section;
  const versions = r.data.versions;
  const message = messageBox();
  const out = h('div');
  const pick = (id, label, index) => field(label, h('select', { id: `${kind}-${id}` },
    versions.map((v, i) => h('option', { value: v.version, selected: i === index }, `${v.version}${v.current ? ' (current)' : ''} · ${v.created_at}`))));
  const left = pick('from', 'From', Math.min(1, versions.length - 1));
  const right = pick('to', 'To', 0);
  const compare = async () => {
    const [a, b] = await Promise.all([left.control.value, right.control.value].map((v) =>
      call('GET', tenantPath(`/${kind}/versions/${encodeURIComponent(v)}`))));
    if (!a.ok || !b.ok) return message.show('error', problemText(a.ok ? b : a));
    out.replaceChildren(diffView(pretty(a.data[kind]), pretty(b.data[kind]), `${kind} differences`));
  };
  const rollback = async (version) => {
    if (!window.confirm(`Make ${kind} version ${version} current again? Every instance serves it within a second.`)) return;
    const r2 = await call('POST', tenantPath(`/${kind}/rollback`), { body: { version } });
    if (!r2.ok) return message.show('error', problemText(r2));
    message.show('ok', `Rolled back: ${kind} version ${r2.data[`${kind}_version`]} is current.`);
    render(main);
  };
  section.append(
    table(['Version', 'Created', 'By', 'Comment', ''], versions.map((v) => [
      h('code', {}, v.version), v.created_at, v.created_by || '', v.comment || '',
      v.current ? h('strong', {}, 'current') :
        h('button', { type: 'button', class: 'danger', 'data-version': v.version, onclick: () => rollback(v.version) }, 'Roll back to this')])),
    versions.length >= 2 ? h('div', { class: 'row' }, left.wrap, right.wrap,
      h('button', { type: 'button', id: `${kind}-compare`, onclick: compare }, 'Compare')) : '',
    message, out);
  return section;
}

export async function render(main) {
  const [config, rules] = await Promise.all([history('config', main), history('rules', main)]);
  main.replaceChildren(h('h1', {}, title), config, rules);
}
