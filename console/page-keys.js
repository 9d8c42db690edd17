// Keys (admin role): the tenant's API keys; a new key is shown once with a copy button; revoke.
import { call, problemText, tenantPath } from './api.js';
import { field, h, messageBox, pageProblem, table } from './ui.js';

export const title = 'Keys';

export async function render(main) {
  const r = await call('GET', tenantPath('/keys'));
  if (!r.ok) return pageProblem(main, title, problemText(r));
  const message = messageBox();
  const shown = h('div', { id: 'key-created' });
  const name = field('Name', h('input', { id: 'key-name', placeholder: 'shop backend' }));
  const roles = ['viewer', 'operator', 'admin'].map((role) =>
    h('span', { class: 'row' }, h('input', { type: 'checkbox', id: `key-role-${role}`, value: role, checked: role === 'viewer' }),
      h('label', { for: `key-role-${role}` }, role)));
  const days = field('Expires in days (0: never)', h('input', { id: 'key-days', type: 'number', min: '0', max: '3650', value: '0' }));

  const create = async (event) => {
    event.preventDefault();
    const chosen = [...main.querySelectorAll('input[id^="key-role-"]:checked')].map((c) => c.value);
    const c = await call('POST', tenantPath('/keys'), { body: { name: name.control.value.trim(), roles: chosen, expires_in_days: Number(days.control.value || 0) } });
    if (!c.ok) return message.show('error', problemText(c));
    await render(main);
    const copy = h('button', { type: 'button', id: 'key-copy' }, 'Copy');
    copy.addEventListener('click', async () => {
      try { await navigator.clipboard.writeText(c.data.key); copy.textContent = 'Copied'; } catch { copy.textContent = 'Select and copy it by hand'; }
    });
    main.querySelector('#key-created').replaceChildren(h('div', { class: 'message ok', role: 'status' },
      h('p', {}, `Key ${c.data.api_key.prefix}… created. It is shown this once: store it now.`),
      h('div', { class: 'secret', id: 'key-secret' }, c.data.key), h('div', { class: 'row' }, copy)));
  };
  const revoke = async (key) => {
    if (!window.confirm(`Revoke key ${key.prefix}… (${key.name || 'unnamed'})? Calls with it fail within a second.`)) return;
    const d = await call('DELETE', tenantPath(`/keys/${encodeURIComponent(key.id)}`));
    if (!d.ok) return message.show('error', problemText(d));
    await render(main);
    main.querySelector('#key-created').replaceChildren(h('div', { class: 'message ok', role: 'status' }, `Key ${key.prefix}… revoked.`));
  };
  const form = h('form', { 'aria-label': 'Create a key' }, name.wrap,
    h('fieldset', {}, h('legend', {}, 'Roles'), roles), days.wrap,
    h('div', { class: 'row' }, h('button', { type: 'submit', class: 'primary', id: 'key-create' }, 'Create key')));
  form.addEventListener('submit', create);
  main.replaceChildren(h('h1', {}, title), shown, message,
    table(['Prefix', 'Name', 'Roles', 'Status', 'Created', 'Last used', ''], r.data.keys.map((key) => [
      h('code', {}, `${key.prefix}…`), key.name || '', key.roles.join(', '), key.status, key.created_at || '',
      key.last_used_at || 'never',
      key.status === 'active' ? h('button', { type: 'button', class: 'danger', onclick: () => revoke(key) }, 'Revoke') : ''])),
    h('h2', {}, 'New key'), form);
}
