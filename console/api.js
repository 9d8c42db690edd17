// The console's only way to the server: the public admin and serving APIs, with the operator's
// own credential (an API key or a bearer token) kept in this tab's session storage and sent as a
// header. No cookies; nothing is stored server-side for the console.

const KEY = 'recsys-console';

export function session() {
  try {
    return JSON.parse(sessionStorage.getItem(KEY) || 'null');
  } catch {
    return null;
  }
}

export function saveSession(value) { sessionStorage.setItem(KEY, JSON.stringify(value)); }
export function clearSession() { sessionStorage.removeItem(KEY); }

// Path of an admin resource of the signed-in tenant.
export function tenantPath(suffix) {
  return `/v1/admin/tenants/${encodeURIComponent(session().tenant)}${suffix}`;
}

// Calls the API. Returns {ok, status, etag, data} where data is the parsed JSON (or text); a
// network failure comes back as status 0 with a problem-like data object.
export async function call(method, path, { body, ifMatch, headers = {} } = {}) {
  const s = session();
  const all = { ...headers };
  if (s?.kind === 'bearer') all.Authorization = `Bearer ${s.secret}`;
  else if (s) all['X-API-Key'] = s.secret;
  if (s?.tenant) all['X-Org-Id'] = s.tenant;
  if (body !== undefined) all['Content-Type'] = 'application/json';
  if (ifMatch) all['If-Match'] = `"${ifMatch}"`;
  let response;
  try {
    response = await fetch(path, {
      method, headers: all, credentials: 'omit',
      body: body === undefined ? undefined : (typeof body === 'string' ? body : JSON.stringify(body)),
    });
  } catch (error) {
    return { ok: false, status: 0, etag: null, data: { title: 'Network error', detail: String(error) } };
  }
  const type = response.headers.get('Content-Type') || '';
  const data = type.includes('json') ? await response.json().catch(() => null) : await response.text();
  const etag = (response.headers.get('ETag') || '').replace(/^W\//, '').replace(/"/g, '') || null;
  return { ok: response.ok, status: response.status, etag, data };
}

// One line for a failed call, from its problem+json: "403 Forbidden: this needs the operator role".
export function problemText(result) {
  const p = result.data && typeof result.data === 'object' ? result.data : {};
  const head = result.status ? `${result.status} ${p.title || ''}`.trim() : (p.title || 'Error');
  return p.detail ? `${head}: ${p.detail}` : head;
}
