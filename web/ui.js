// ui.js -- the small shared pieces every view uses: page headers, status
// chips, person links, loading / empty / error states, labelled form fields
// with their error slots, a confirmation dialog and an announcement region.
import { h, id, replace } from './dom.js';
import { withoutFieldPrefix, capitalise } from './api.js';
import { personState, tenure, formatDate, todayIso } from './format.js';

/** The heading block of a page. The h1 takes focus after navigation (tabindex -1). */
export function pageHeader(title, { intro, actions } = {}) {
  return h(
    'header',
    { class: 'page-header' },
    h('div', { class: 'page-title' }, h('h1', { tabindex: '-1' }, title), intro ? h('p', { class: 'intro' }, intro) : null),
    actions ? h('div', { class: 'page-actions' }, actions) : null,
  );
}

/** A chip: Ramping / Active / Leaving / Left / Joining, with its detail for screen readers and hover. */
export function statusChip(person, today = todayIso()) {
  const state = personState(person, today);
  return h(
    'span',
    { class: ['chip', `chip-${state.key}`], title: state.detail || null },
    state.label,
    state.detail ? h('span', { class: 'sr-only' }, `, ${state.detail}`) : null,
  );
}

/** A link to a person's page. */
export function personLink(person, text = person.name) {
  return h('a', { href: `#/people/${person.id}`, class: 'person-link' }, text);
}

/** Tenure with the start date on hover: <span title="since 28 Mar 2024">2 yr 8 mo</span>. */
export function tenureText(person, today = todayIso()) {
  return h('span', { class: 'tenure', title: `Started ${formatDate(person.start_date)}` }, tenure(person.start_date, today));
}

/** A loading state (announced politely). */
export function loading(text = 'Loading…') {
  return h('p', { class: 'loading', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), text);
}

/** An empty state: a short sentence, optionally an action. */
export function empty(text, action) {
  return h('div', { class: 'empty' }, h('p', null, text), action || null);
}

/** An error box with the user-facing message and an optional retry. */
export function errorBox(err, { retry, title = 'Something went wrong' } = {}) {
  const message = err && err.message ? err.message : 'Something went wrong. Try again.';
  return h(
    'div',
    { class: 'error-box', role: 'alert' },
    h('p', { class: 'error-title' }, title),
    h('p', null, message),
    retry ? h('button', { type: 'button', class: 'button', onclick: retry }, 'Try again') : null,
  );
}

/**
 * A labelled form field: field({label: 'Email', name: 'email', type: 'email', required: true}).
 * kinds: input types, 'select' (options: [{value, label}]), 'textarea'.
 * The returned wrapper holds the control (.control) and an error slot wired with aria-describedby.
 */
export function field({ label, name, type = 'text', value = '', required = false, options, hint, autocomplete, attrs = {} }) {
  const controlId = id(`f-${name}`);
  const errorId = `${controlId}-error`;
  const hintId = hint ? `${controlId}-hint` : null;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ');
  let control;
  if (type === 'select') {
    control = h(
      'select',
      { id: controlId, name, required, 'aria-describedby': describedBy, ...attrs },
      (options || []).map((o) => h('option', { value: String(o.value), selected: String(o.value) === String(value ?? '') }, o.label)),
    );
  } else if (type === 'textarea') {
    control = h('textarea', { id: controlId, name, required, 'aria-describedby': describedBy, ...attrs }, value ?? '');
  } else {
    control = h('input', {
      id: controlId,
      name,
      type,
      value: value ?? '',
      required,
      autocomplete,
      'aria-describedby': describedBy,
      ...attrs,
    });
  }
  const wrapper = h(
    'div',
    { class: 'field', dataset: { field: name } },
    h('label', { for: controlId }, label, required ? h('span', { class: 'required', 'aria-hidden': 'true' }, ' *') : null, required ? h('span', { class: 'sr-only' }, ' (required)') : null),
    control,
    hint ? h('p', { class: 'hint', id: hintId }, hint) : null,
    h('p', { class: 'field-error', id: errorId, hidden: true }),
  );
  wrapper.control = control;
  return wrapper;
}

/** Clear every field error and the form-level message of `form`. */
export function clearErrors(form) {
  for (const el of form.querySelectorAll('.field-error')) {
    el.hidden = true;
    el.textContent = '';
  }
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  const summary = form.querySelector('.form-error');
  if (summary) {
    summary.hidden = true;
    summary.textContent = '';
  }
}

/**
 * Show an ApiError on `form`: next to the field named by err.field when the
 * form has it (and focus that field), otherwise in the form's message area.
 * `aliases` maps API field names to form field names.
 */
export function showError(form, err, aliases = {}) {
  clearErrors(form);
  const name = err && err.field ? aliases[err.field] || err.field : null;
  const wrapper = name ? form.querySelector(`.field[data-field="${CSS.escape(name)}"]`) : null;
  if (wrapper) {
    const slot = wrapper.querySelector('.field-error');
    const text = capitalise(withoutFieldPrefix(err.message));
    slot.textContent = /[.!?)]$/.test(text) ? text : `${text}.`;
    slot.hidden = false;
    wrapper.control.setAttribute('aria-invalid', 'true');
    wrapper.control.focus();
    return;
  }
  let summary = form.querySelector('.form-error');
  if (!summary) {
    summary = h('p', { class: 'form-error', role: 'alert' });
    form.prepend(summary);
  }
  summary.textContent = err && err.message ? err.message : 'Something went wrong. Try again.';
  summary.hidden = false;
}

/** The form-level message slot (put it where the message should appear). */
export function formError() {
  return h('p', { class: 'form-error', role: 'alert', hidden: true });
}

/** Disable a form's submit button while `work` runs; returns work's result. */
export async function busy(form, work, busyText) {
  const button = form.querySelector('button[type="submit"]');
  const before = button ? button.textContent : '';
  if (button) {
    button.disabled = true;
    if (busyText) button.textContent = busyText;
  }
  form.setAttribute('aria-busy', 'true');
  try {
    return await work();
  } finally {
    if (button) {
      button.disabled = false;
      button.textContent = before;
    }
    form.removeAttribute('aria-busy');
  }
}

/** Say something to screen readers and show it briefly as a toast. */
export function announce(text, kind = 'info') {
  const region = document.getElementById('toast');
  if (!region) return;
  const item = h('p', { class: ['toast', `toast-${kind}`] }, text);
  region.append(item);
  setTimeout(() => item.remove(), 6000);
}

/**
 * A modal dialog (native <dialog>: focus stays inside, Escape closes).
 * build(close) returns the dialog's content; resolves with what close() got.
 */
export function openDialog(title, build) {
  return new Promise((resolve) => {
    const titleId = id('dialog-title');
    const dialog = h('dialog', { class: 'dialog', 'aria-labelledby': titleId });
    let result;
    const close = (value) => {
      result = value;
      dialog.close();
    };
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(result);
    });
    replace(dialog, h('h2', { id: titleId }, title), build(close));
    document.body.append(dialog);
    dialog.showModal();
  });
}

/** Ask to confirm: resolves true when the user confirms. */
export function confirmDialog(title, text, confirmLabel, { danger = false } = {}) {
  return openDialog(title, (close) =>
    h(
      'div',
      null,
      h('p', null, text),
      h(
        'div',
        { class: 'dialog-actions' },
        h('button', { type: 'button', class: 'button', onclick: () => close(false) }, 'Cancel'),
        h('button', { type: 'button', class: ['button', danger ? 'button-danger' : 'button-primary'], onclick: () => close(true) }, confirmLabel),
      ),
    ),
  ).then(Boolean);
}

/** A filter box: filterBox('Find a person', (text) => ...). */
export function filterBox(label, onInput, placeholder = '') {
  const f = field({ label, name: 'filter', type: 'search', attrs: { placeholder, autocomplete: 'off' } });
  f.classList.add('filter');
  f.control.addEventListener('input', () => onInput(f.control.value.trim().toLowerCase()));
  return f;
}
