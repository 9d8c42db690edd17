// Small DOM helpers: elements from tag, attributes and children; messages; tables. Text is always
// set as text, never parsed as HTML.

export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else if (name === 'text') element.textContent = value;
    else element.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

// A <div role="status"> (or role="alert" for errors) that pages reuse for their latest outcome.
export function messageBox() {
  const box = h('div', { 'aria-live': 'polite' });
  box.show = (kind, text) => {
    box.replaceChildren(h('div', { class: `message ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text));
  };
  box.clear = () => box.replaceChildren();
  return box;
}

// A labelled control: returns {wrap, control}.
export function field(label, control) {
  const id = control.id || `f-${Math.random().toString(36).slice(2, 9)}`;
  control.id = id;
  return { wrap: h('div', {}, h('label', { for: id }, label), control), control };
}

export function table(headers, rows) {
  return h('div', { class: 'table-wrap' },
    h('table', {},
      h('thead', {}, h('tr', {}, headers.map((text) => h('th', { scope: 'col' }, text)))),
      h('tbody', {}, rows.map((cells) => h('tr', {}, cells.map((cell) => h('td', {}, cell)))))));
}

export function pretty(value) { return JSON.stringify(value, null, 2); }

// Replaces the page with its title and an alert: what a page shows when its first call fails.
export function pageProblem(main, title, text) {
  main.replaceChildren(h('h1', {}, title), h('div', { class: 'message error', role: 'alert' }, text));
}
