// Rules: the tenant's business rules as a table, a form per rule and the raw JSON; a dry run on a
// sample request and an impact preview on the last logged requests show what the draft changes
// before it is saved (with If-Match).
import { call, problemText, tenantPath } from './api.js';
import { previewControls } from './preview.js';
import { field, h, messageBox, pageProblem, pretty, table } from './ui.js';

export const title = 'Rules';

const SAMPLE_REQUEST = { surface: 'home', k: 10, user: { user_id: 'console-preview' } };

function target(rule) {
  return rule.target_type === 'item' || !rule.target_type
    ? (rule.item_ids || []).join(', ')
    : `${rule.target_type}:${rule.target_key || ''}`;
}

function validity(rule) {
  if (!rule.valid_from && !rule.valid_until) return 'always';
  return `${rule.valid_from || '…'} → ${rule.valid_until || '…'}`;
}

// The form for one rule; calls done(rule) with the edited copy.
function ruleForm(rule, done, cancel) {
  const v = (value) => (value === undefined || value === null ? '' : String(value));
  const action = field('Action', h('select', { id: 'rule-action' },
    ['pin', 'boost', 'block'].map((a) => h('option', { value: a, selected: rule.action === a }, a))));
  const type = field('Target', h('select', { id: 'rule-target-type' },
    ['item', 'tag', 'brand', 'category'].map((t) => h('option', { value: t, selected: (rule.target_type || 'item') === t }, t))));
  const items = field('Item ids (comma-separated)', h('input', { id: 'rule-items', value: (rule.item_ids || []).join(', ') }));
  const key = field('Tag, brand or category', h('input', { id: 'rule-target-key', value: v(rule.target_key) }));
  const boost = field('Boost value', h('input', { id: 'rule-boost', type: 'number', step: 'any', value: v(rule.boost_value) }));
  const maxPins = field('Max pins of this rule (empty: the config\'s limit)', h('input', { id: 'rule-max-pins', type: 'number', min: '1', max: '200', value: v(rule.max_pins) }));
  const surface = field('Surface (empty: all)', h('input', { id: 'rule-surface', value: v(rule.surface) }));
  const segment = field('Segment (empty: all)', h('input', { id: 'rule-segment', value: v(rule.segment) }));
  const from = field('Valid from (RFC 3339)', h('input', { id: 'rule-from', value: v(rule.valid_from) }));
  const until = field('Valid until (RFC 3339)', h('input', { id: 'rule-until', value: v(rule.valid_until) }));
  const priority = field('Priority', h('input', { id: 'rule-priority', type: 'number', value: v(rule.priority ?? 0) }));
  const enabled = h('input', { id: 'rule-enabled', type: 'checkbox', checked: rule.enabled !== false });
  const sync = () => {
    items.wrap.hidden = type.control.value !== 'item';
    key.wrap.hidden = type.control.value === 'item';
    boost.wrap.hidden = action.control.value !== 'boost';
    maxPins.wrap.hidden = action.control.value !== 'pin';
  };
  action.control.addEventListener('change', sync);
  type.control.addEventListener('change', sync);
  sync();
  const apply = () => {
    const out = { ...rule, action: action.control.value, target_type: type.control.value };
    for (const k of ['item_ids', 'target_key', 'boost_value', 'max_pins', 'surface', 'segment', 'valid_from', 'valid_until']) delete out[k];
    if (out.target_type === 'item') {
      out.item_ids = items.control.value.split(',').map((s) => s.trim()).filter(Boolean);
    } else {
      out.target_key = key.control.value.trim();
    }
    if (out.action === 'boost') out.boost_value = Number(boost.control.value);
    if (out.action === 'pin' && maxPins.control.value.trim()) out.max_pins = Number(maxPins.control.value);
    for (const [name, control] of [['surface', surface], ['segment', segment], ['valid_from', from], ['valid_until', until]]) {
      if (control.control.value.trim()) out[name] = control.control.value.trim();
    }
    out.priority = Number(priority.control.value || 0);
    out.enabled = enabled.checked;
    done(out);
  };
  return h('fieldset', {}, h('legend', {}, rule.id ? `Rule ${rule.id}` : 'New rule'),
    action.wrap, type.wrap, items.wrap, key.wrap, boost.wrap, maxPins.wrap, surface.wrap, segment.wrap, from.wrap, until.wrap, priority.wrap,
    h('div', { class: 'row' }, enabled, h('label', { for: 'rule-enabled' }, 'Enabled')),
    h('div', { class: 'row' },
      h('button', { type: 'button', class: 'primary', id: 'rule-apply', onclick: apply }, 'Apply to the draft'),
      h('button', { type: 'button', onclick: cancel }, 'Cancel')));
}

export async function render(main) {
  const loaded = await call('GET', tenantPath('/rules'));
  if (!loaded.ok) return pageProblem(main, title, problemText(loaded));
  let etag = loaded.data.rules_version || null;
  let rules = loaded.data.rules || [];
  const message = messageBox();
  const list = h('div');
  const editor = h('div');
  const raw = h('textarea', { id: 'rules-raw', spellcheck: 'false' });
  const request = h('textarea', { id: 'dryrun-request', spellcheck: 'false', rows: 6 });
  request.value = pretty(SAMPLE_REQUEST);
  const dryRunOut = h('div', { id: 'dryrun-result' });
  const impact = h('div');

  const draw = () => {
    raw.value = pretty(rules);
    list.replaceChildren(rules.length === 0 ? h('p', { class: 'muted' }, 'No rules.') :
      table(['#', 'Action', 'Target', 'Surface', 'Segment', 'Window', 'Priority', 'Enabled', ''],
        rules.map((rule, i) => [String(i + 1), rule.action, target(rule), rule.surface || 'all', rule.segment || 'all',
          validity(rule), String(rule.priority ?? 0), rule.enabled === false ? 'no' : 'yes',
          h('span', {},
            h('button', { type: 'button', onclick: () => edit(i), 'aria-label': `Edit rule ${i + 1}` }, 'Edit'), ' ',
            h('button', { type: 'button', class: 'danger', 'aria-label': `Remove rule ${i + 1}`,
              onclick: () => { rules.splice(i, 1); draw(); message.show('warn', 'Removed from the draft; save to apply.'); } }, 'Remove'))])));
  };
  const edit = (index) => {
    const rule = index === undefined ? { action: 'pin', target_type: 'item', enabled: true, priority: 0 } : rules[index];
    editor.replaceChildren(ruleForm(rule, (edited) => {
      if (index === undefined) rules.push(edited); else rules[index] = edited;
      editor.replaceChildren();
      draw();
      message.show('warn', 'The draft changed; dry-run it or save it.');
    }, () => editor.replaceChildren()));
    editor.querySelector('select')?.focus();
  };
  const useRaw = () => {
    try {
      const parsed = JSON.parse(raw.value);
      if (!Array.isArray(parsed)) throw new Error('the rules document is a JSON array');
      rules = parsed;
      draw();
      message.show('warn', 'The draft now holds this JSON; dry-run it or save it.');
    } catch (error) {
      message.show('error', `Not a rules array: ${error.message}`);
    }
  };
  const dryRun = async () => {
    let sample;
    try { sample = JSON.parse(request.value); } catch (error) { return message.show('error', `Sample request: ${error.message}`); }
    const r = await call('POST', tenantPath('/rules/dry-run'), { body: { rules, request: sample } });
    if (!r.ok) return message.show('error', problemText(r));
    const d = r.data;
    const items = (ids) => ids.length ? ids.map((id) => h('span', { class: 'tag' }, id)) : h('span', { class: 'muted' }, 'none');
    dryRunOut.replaceChildren(
      h('h2', {}, 'Dry run'),
      h('p', {}, 'Before: ', items(d.before)), h('p', {}, 'After: ', items(d.after)),
      h('p', {}, 'Entering: ', items(d.changes.entered)), h('p', {}, 'Leaving: ', items(d.changes.left)),
      h('p', {}, 'Moving: ', d.changes.moved.length ? d.changes.moved.map((m) => h('span', { class: 'tag' }, `${m.item_id} ${m.from}→${m.to}`)) : h('span', { class: 'muted' }, 'none')));
    message.clear();
  };
  const save = async () => {
    const r = await call('PUT', tenantPath('/rules'), { body: rules, ifMatch: etag });
    if (r.status === 409) return message.show('error', 'Conflict: the rules changed since you loaded them. Nothing was saved; reload the page to see theirs.');
    if (!r.ok) return message.show('error', problemText(r));
    etag = r.data.rules_version;
    rules = r.data.rules;
    draw();
    message.show('ok', `Saved: version ${etag}.`);
  };

  draw();
  main.replaceChildren(
    h('h1', {}, title),
    h('p', {}, 'Current version: ', h('code', { id: 'rules-etag' }, etag || 'none')),
    list,
    h('div', { class: 'row' },
      h('button', { type: 'button', id: 'rule-add', onclick: () => edit(undefined) }, 'Add a rule'),
      h('button', { type: 'button', class: 'primary', id: 'rules-save', onclick: save }, 'Save the draft')),
    previewControls(() => ({ rules }), message, impact),
    message, impact, editor,
    h('h2', {}, 'Try the draft'),
    h('label', { for: 'dryrun-request' }, 'Sample request (as POST /v1/recommend takes it)'), request,
    h('div', { class: 'row' }, h('button', { type: 'button', id: 'dryrun-run', onclick: dryRun }, 'Dry run')),
    dryRunOut,
    h('h2', {}, 'Raw JSON'),
    h('label', { for: 'rules-raw' }, 'The draft as a rules document'), raw,
    h('div', { class: 'row' }, h('button', { type: 'button', id: 'rules-use-raw', onclick: useRaw }, 'Use this JSON')));
}
