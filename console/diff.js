// Line diffs of two texts (longest common subsequence), shown as +/- lines; and the three-way
// re-application of one's own change to a JSON document on top of someone else's newer version.
import { h } from './ui.js';

// [{kind: ' ' | '+' | '-', line}] turning `before` into `after`.
export function diffLines(before, after) {
  const a = before.split('\n');
  const b = after.split('\n');
  const n = a.length, m = b.length;
  const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; --i) {
    for (let j = m - 1; j >= 0; --j) {
      lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const out = [];
  let i = 0, j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) { out.push({ kind: ' ', line: a[i] }); ++i; ++j; }
    else if (lcs[i + 1][j] >= lcs[i][j + 1]) out.push({ kind: '-', line: a[i++] });
    else out.push({ kind: '+', line: b[j++] });
  }
  while (i < n) out.push({ kind: '-', line: a[i++] });
  while (j < m) out.push({ kind: '+', line: b[j++] });
  return out;
}

export function diffView(before, after, label) {
  const lines = diffLines(before, after);
  if (!lines.some((l) => l.kind !== ' ')) return h('p', { class: 'muted' }, 'No differences.');
  return h('div', { class: 'diff', role: 'region', 'aria-label': label || 'Differences' },
    lines.map((l) => h('div', { class: l.kind === '+' ? 'add' : l.kind === '-' ? 'del' : '' },
      `${l.kind} ${l.line}`)));
}

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

// `mine` minus `base` as changes at the deepest object level: [{path, value}] (value undefined:
// removed). Arrays are replaced whole.
export function changes(base, mine, path = []) {
  if (isObject(base) && isObject(mine)) {
    const keys = new Set([...Object.keys(base), ...Object.keys(mine)]);
    return [...keys].flatMap((k) => changes(base[k], mine[k], [...path, k]));
  }
  return JSON.stringify(base) === JSON.stringify(mine) ? [] : [{ path, value: mine }];
}

// `latest` with `edits` (from changes()) applied.
export function applyChanges(latest, edits) {
  const out = structuredClone(latest ?? {});
  for (const { path, value } of edits) {
    if (path.length === 0) return structuredClone(value);
    let node = out;
    for (const key of path.slice(0, -1)) {
      if (!isObject(node[key])) node[key] = {};
      node = node[key];
    }
    const last = path[path.length - 1];
    if (value === undefined) delete node[last];
    else node[last] = structuredClone(value);
  }
  return out;
}
