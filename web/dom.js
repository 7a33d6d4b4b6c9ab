// dom.js -- build DOM nodes without HTML strings.
//
// Everything a user or the API wrote goes in as text nodes, never as HTML, so
// names and messages can hold any character. No inline styles either: the
// Content-Security-Policy allows none, so looks come from classes in style.css.

/**
 * h('a', {href: '#/org', class: 'nav'}, 'Org') -> <a href="#/org" class="nav">Org</a>
 *
 * attrs: `class` (string or array, falsy entries dropped), `on<event>`
 * (function), `dataset` (object), booleans (true sets, false/null omits),
 * anything else as an attribute; `value` and `checked` are set as properties.
 * children: nodes, strings, numbers, arrays of these; null/false/undefined skipped.
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [key, v] of Object.entries(attrs)) {
      if (v === null || v === undefined || v === false) continue;
      if (key === 'class') {
        const cls = Array.isArray(v) ? v.filter(Boolean).join(' ') : v;
        if (cls) el.className = cls;
      } else if (key.startsWith('on') && typeof v === 'function') {
        el.addEventListener(key.slice(2).toLowerCase(), v);
      } else if (key === 'dataset') {
        Object.assign(el.dataset, v);
      } else if (key === 'value' || key === 'checked' || key === 'selected') {
        el[key] = v;
      } else {
        el.setAttribute(key, v === true ? '' : String(v));
      }
    }
  }
  append(el, children);
  return el;
}

/** Append children (nodes, strings, nested arrays; falsy skipped) to `el`. */
export function append(el, children) {
  for (const c of [children].flat(Infinity)) {
    if (c === null || c === undefined || c === false || c === '') continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** Replace everything inside `el` with `children`. */
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

let uid = 0;
/** A unique id for label/aria wiring: id('name') -> 'name-7'. */
export function id(prefix = 'id') {
  uid += 1;
  return `${prefix}-${uid}`;
}

/** A text for screen readers only. */
export function srOnly(text) {
  return h('span', { class: 'sr-only' }, text);
}
