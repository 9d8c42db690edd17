// Config: edit the tenant's config document. The server validates (its errors name the field,
// which is highlighted); a diff against the current version and an impact preview on the last
// logged requests come before saving; saving sends
// If-Match, and a 409 shows a conflict view: reload, or re-apply my change on top of theirs.
import { call, problemText, tenantPath } from './api.js';
import { applyChanges, changes, diffView } from './diff.js';
import { previewControls } from './preview.js';
import { h, messageBox, pageProblem, pretty } from './ui.js';

export const title = 'Config';

// The line of `text` where the last key of `path` ("weights.pop" -> "pop") first appears.
function lineOf(text, path) {
  const key = path.split('.').pop().replace(/\[\d+\]$/, '');
  const at = text.indexOf(`"${key}"`);
  return at < 0 ? null : { start: at, end: at + key.length + 2 };
}

export async function render(main) {
  const loaded = await call('GET', tenantPath('/config'));
  if (!loaded.ok) return pageProblem(main, title, problemText(loaded));
  let base = loaded.data.config;          // the version this edit started from
  let etag = loaded.data.config_version;
  const editor = h('textarea', { id: 'config-editor', spellcheck: 'false', 'aria-describedby': 'config-help' });
  editor.value = pretty(base);
  const etagView = h('code', { id: 'config-etag' }, etag);
  const message = messageBox();
  const extra = h('div');
  const impact = h('div');

  const parsed = () => {
    try {
      editor.removeAttribute('aria-invalid');
      return JSON.parse(editor.value);
    } catch (error) {
      editor.setAttribute('aria-invalid', 'true');
      message.show('error', `Not JSON: ${error.message}`);
      return undefined;
    }
  };

  const showDiff = () => {
    const mine = parsed();
    if (mine === undefined) return;
    extra.replaceChildren(h('h2', {}, 'Changes against the current version'),
      diffView(pretty(base), pretty(mine), 'Changes to the config'));
  };

  const conflict = async (mine) => {
    const latest = await call('GET', tenantPath('/config'));
    if (!latest.ok) return message.show('error', problemText(latest));
    message.show('error', `Conflict: the config changed since you loaded it (now version ${latest.data.config_version}). Nothing was saved.`);
    const reload = h('button', { type: 'button', id: 'conflict-reload' }, 'Reload theirs (discard mine)');
    const reapply = h('button', { type: 'button', class: 'primary', id: 'conflict-reapply' }, 'Re-apply my change on top');
    reload.addEventListener('click', () => render(main));
    reapply.addEventListener('click', () => {
      const merged = applyChanges(latest.data.config, changes(base, mine));
      base = latest.data.config;
      etag = latest.data.config_version;
      etagView.textContent = etag;
      editor.value = pretty(merged);
      message.show('warn', 'Your change is now on top of the latest version: check the diff, then save.');
      showDiff();
    });
    extra.replaceChildren(h('h2', {}, 'Their version against the one you started from'),
      diffView(pretty(base), pretty(latest.data.config), 'Their changes'),
      h('div', { class: 'row' }, reload, reapply));
  };

  const save = async () => {
    const mine = parsed();
    if (mine === undefined) return;
    const r = await call('PUT', tenantPath('/config'), { body: mine, ifMatch: etag });
    if (r.status === 409) return conflict(mine);
    if (!r.ok) {
      message.show('error', problemText(r));
      const detail = r.data?.detail || '';
      const path = detail.split(':')[0];
      const where = path && lineOf(editor.value, path);
      if (where) {
        editor.setAttribute('aria-invalid', 'true');
        editor.focus();
        editor.setSelectionRange(where.start, where.end);
      }
      return;
    }
    base = r.data.config;
    etag = r.data.config_version;
    etagView.textContent = etag;
    editor.value = pretty(base);
    extra.replaceChildren();
    message.show('ok', `Saved: version ${etag}. Every instance serves it within a second.`);
  };

  main.replaceChildren(
    h('h1', {}, title),
    h('p', {}, 'Current version: ', etagView),
    h('label', { for: 'config-editor' }, 'Config document (JSON)'),
    h('p', { id: 'config-help', class: 'muted' }, 'weights, ranking, signals, limits, flags, experiments: see the README. Unknown fields are kept but ignored.'),
    editor,
    h('div', { class: 'row' },
      h('button', { type: 'button', id: 'config-diff', onclick: showDiff }, 'Show changes'),
      h('button', { type: 'button', class: 'primary', id: 'config-save', onclick: save }, 'Save')),
    previewControls(() => { const config = parsed(); return config === undefined ? undefined : { config }; }, message, impact),
    message, extra, impact);
}
