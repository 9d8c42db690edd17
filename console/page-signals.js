// Signals: the kept signal versions (one per base build, with its manifest), the pin that serves
// one of them on every instance instead of the newest build, a confirmed rollback and unpin.
import { call, problemText, tenantPath } from './api.js';
import { h, messageBox, pageProblem, table } from './ui.js';

export const title = 'Signals';

const mib = (bytes) => `${(bytes / 1048576).toFixed(1)} MiB`;

// "first … last (n)" of a build's days.
function days(list) {
  if (list.length === 0) return '–';
  return list.length === 1 ? list[0] : `${list[0]} … ${list[list.length - 1]} (${list.length})`;
}

// `notice`: the outcome of the change that led here, shown above the table.
export async function render(main, notice) {
  const r = await call('GET', tenantPath('/signals/versions'));
  if (!r.ok) return pageProblem(main, title, problemText(r));
  const { pinned, versions } = r.data;
  const message = messageBox();
  const post = async (path, body, done) => {
    const answer = await call('POST', tenantPath(path), { body });
    if (!answer.ok) return message.show('error', problemText(answer));
    await render(main, done);
  };
  const rollback = (version) => {
    if (!window.confirm(`Serve signal version ${version} on every instance until unpinned? Newer builds and today's live events are not served meanwhile.`)) return;
    post('/signals/rollback', { version }, `Pinned: every instance serves signal version ${version} within a second.`);
  };
  const unpin = () => post('/signals/unpin', {}, 'Unpinned: every instance serves the newest build within a second.');
  const status = pinned
    ? h('div', { class: 'message warn', id: 'signals-status' },
      `Pinned to version ${pinned.version} since ${pinned.pinned_at} by ${pinned.pinned_by}; ` +
      `${pinned.newer_versions} newer build(s) and today's live events are not served. `,
      h('button', { type: 'button', id: 'signals-unpin', onclick: unpin }, 'Unpin: serve the newest'))
    : h('div', { class: 'message ok', id: 'signals-status' }, 'Not pinned: every instance serves the newest build.');
  if (notice) message.show('ok', notice);
  main.replaceChildren(h('h1', {}, title), status, message,
    versions.length === 0
      ? h('p', { class: 'muted' }, 'No versions kept yet: each signal build that changes closed days keeps one.')
      : table(['Version', 'Built', 'Trigger', 'Days built', 'Events', 'Rows (pop / co-vis / seq)', 'Items', 'Size', ''],
        versions.map((v) => [
          h('code', {}, String(v.version)), v.built_at, `${v.trigger} (${v.built_by})`, days(v.days),
          String(v.events), `${v.popularity_rows} / ${v.covisit_rows} / ${v.sequence_rows}`, String(v.items), mib(v.bytes),
          v.pinned ? h('strong', {}, 'pinned')
            : h('button', { type: 'button', class: 'danger', 'data-signal-version': String(v.version), onclick: () => rollback(v.version) }, 'Serve this version')])),
    h('p', { class: 'muted' }, 'The same from the command line: `recsys-service signals versions | rollback | unpin --tenant T`.'));
}
