// The console's shell: sign-in, navigation and the page router (#/overview, #/config, ...).
import { call, clearSession, problemText, saveSession, session } from './api.js';
import { field, h, messageBox } from './ui.js';
import * as overview from './page-overview.js';
import * as config from './page-config.js';
import * as rules from './page-rules.js';
import * as versions from './page-versions.js';
import * as signals from './page-signals.js';
import * as audit from './page-audit.js';
import * as tryIt from './page-try.js';
import * as keys from './page-keys.js';
import * as reports from './page-reports.js';

const pages = { overview, config, rules, versions, signals, audit, try: tryIt, keys, reports };
const main = document.getElementById('main');

function signIn() {
  document.getElementById('nav').hidden = true;
  document.getElementById('logout').hidden = true;
  document.getElementById('who').textContent = '';
  const tenant = field('Tenant', h('input', { id: 'login-tenant', required: true, autocomplete: 'off' }));
  const kind = field('Credential', h('select', { id: 'login-kind' },
    h('option', { value: 'key' }, 'API key (X-API-Key)'),
    h('option', { value: 'bearer' }, 'Bearer token (JWT)')));
  const secret = field('Key or token', h('input', { id: 'login-secret', type: 'password', required: true, autocomplete: 'off' }));
  const message = messageBox();
  const form = h('form', { 'aria-label': 'Sign in' }, tenant.wrap, kind.wrap, secret.wrap,
    h('p', { class: 'muted' }, 'Kept in this tab only (session storage) and sent as a header.'),
    h('div', { class: 'row' }, h('button', { class: 'primary', type: 'submit', id: 'login-submit' }, 'Sign in')),
    message);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    saveSession({ tenant: tenant.control.value.trim(), kind: kind.control.value, secret: secret.control.value.trim() });
    // A call every role may make proves the credential and the tenant.
    const probe = await call('GET', `/v1/admin/tenants/${encodeURIComponent(session().tenant)}/config`);
    if (!probe.ok) {
      clearSession();
      message.show('error', problemText(probe));
      return;
    }
    // Setting a new hash routes through hashchange; the same hash fires no event.
    if (location.hash === '#/overview') route();
    else location.hash = '#/overview';
  });
  main.replaceChildren(h('h1', {}, 'Sign in'), form);
  tenant.control.focus();
}

// The page rendered last. Each render gets its own view, so a slow render the user has already
// navigated away from fills a view no longer shown instead of replacing the current page.
let currentView = null;

async function route() {
  if (!session()) return signIn();
  const name = (location.hash.match(/^#\/([a-z]+)/) || [])[1] || 'overview';
  const page = pages[name] || overview;
  document.getElementById('nav').hidden = false;
  document.getElementById('logout').hidden = false;
  document.getElementById('who').textContent = `tenant ${session().tenant}`;
  for (const link of document.querySelectorAll('#nav a')) {
    if (link.getAttribute('href') === `#/${name}`) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  const view = h('div', {}, h('p', {}, 'Loading…'));
  currentView = view;
  main.replaceChildren(view);
  document.title = `${page.title} · recsys console`;
  try {
    await page.render(view);
  } catch (error) {
    view.replaceChildren(h('div', { class: 'message error', role: 'alert' }, String(error)));
  }
  if (view === currentView) main.focus();
}

document.getElementById('logout').addEventListener('click', () => {
  clearSession();
  location.hash = '';
  route();
});
window.addEventListener('hashchange', route);
route();
