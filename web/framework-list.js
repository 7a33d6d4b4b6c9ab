// framework-list.js -- the editor of an ordered, admin-edited list: the skills
// of a framework (views/admin-skills.js) and the company values
// (views/admin-values.js). Both have {id, name, description, position,
// archived}: add, edit name and description (a dialog), move up and down
// (PATCH position), archive and restore (archived ones listed apart).
import { h, replace } from './dom.js';
import { count } from './format.js';
import { loading, errorBox, empty, field, formError, showError, clearErrors, busy, announce, openDialog } from './ui.js';

/** Descriptions are one line for the API: newlines typed in a textarea become spaces. */
function oneLine(text) {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

function nameField(config, value = '') {
  return field({ label: 'Name', name: 'name', value, required: true, autocomplete: 'off', attrs: { maxlength: String(config.nameMax) } });
}

function descriptionField(config, value = '') {
  return field({ label: 'Description', name: 'description', type: 'textarea', value, hint: config.descriptionHint, attrs: { maxlength: String(config.descriptionMax), rows: '2' } });
}

/** The dialog that edits one item's name and description; resolves with the new name when saved. */
function editDialog(ctx, config, item) {
  return openDialog(`Edit ${config.noun} ${item.name}`, (close) => {
    const name = nameField(config, item.name);
    const description = descriptionField(config, item.description || '');
    description.control.rows = 4;
    const form = h(
      'form',
      { class: 'form', novalidate: true },
      formError(),
      name,
      description,
      h('div', { class: 'dialog-actions' }, h('button', { type: 'button', class: 'button', onclick: () => close(false) }, 'Cancel'), h('button', { type: 'submit', class: 'button button-primary' }, 'Save changes')),
    );
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(form);
      const body = { name: name.control.value.trim(), description: oneLine(description.control.value) };
      if (!body.name) return showError(form, { field: 'name', message: `Enter a name for the ${config.noun}.` });
      try {
        await busy(form, () => ctx.api.patch(config.itemPath(item.id), body), 'Saving…');
        close(body.name);
      } catch (err) {
        if (err.status === 401) close(false);
        else showError(form, err);
      }
      return undefined;
    });
    queueMicrotask(() => name.control.select());
    return form;
  });
}

/**
 * Fill `body` with the editor and load it. config: {
 *   noun: 'skill', plural: 'skills', listTitle, emptyText, archivedHint, addTitle,
 *   listPath: '/skills?role=seller&archived=1' (archived ones included),
 *   itemPath(id), createBody({name, description}), nameMax, descriptionMax, descriptionHint }
 */
export function listEditor(ctx, body, config) {
  // The skills page reuses `body` when the role changes: only the latest editor fills it.
  const seq = (body.editorSeq = (body.editorSeq || 0) + 1);
  replace(body, loading(`Loading ${config.plural}…`));

  const load = async (refocus = null) => {
    let items;
    try {
      items = (await ctx.api.get(config.listPath))[config.key];
    } catch (err) {
      if (err.status !== 401 && body.editorSeq === seq) replace(body, errorBox(err, { title: `Could not load the ${config.plural}`, retry: () => load() }));
      return;
    }
    if (!ctx.isCurrent() || body.editorSeq !== seq) return;
    // The API lists them in order (by position); archived ones are kept apart.
    const active = items.filter((x) => !x.archived);
    const archived = items.filter((x) => x.archived);

    /** Give the active ones positions 1..n in `order`, patching only those that change. */
    const saveOrder = async (order) => {
      for (const [i, x] of order.entries()) {
        if (x.position !== i + 1) await ctx.api.patch(config.itemPath(x.id), { position: i + 1 });
      }
    };

    const act = async (work, done, refocusLabel) => {
      // One change at a time: the buttons wait until the list is loaded again.
      for (const b of body.querySelectorAll('.framework-table button')) b.disabled = true;
      body.setAttribute('aria-busy', 'true');
      try {
        await work();
        say(done);
      } catch (err) {
        if (err.status !== 401) announce(err.message, 'error');
      }
      body.removeAttribute('aria-busy');
      await load(refocusLabel);
    };

    const move = (item, by) => {
      const order = [...active];
      const i = order.indexOf(item);
      order.splice(i, 1);
      order.splice(i + by, 0, item);
      const label = `Move ${item.name} ${by < 0 ? 'up' : 'down'}`;
      // At the top or bottom now, the button that moved it is disabled: keep focus on the row.
      const end = by < 0 ? i + by === 0 : i + by === order.length - 1;
      const refocusLabel = end ? `Move ${item.name} ${by < 0 ? 'down' : 'up'}` : label;
      return act(() => saveOrder(order), `${item.name} moved ${by < 0 ? 'up' : 'down'} to number ${i + by + 1}.`, refocusLabel);
    };

    const rows = active.map((x, i) => {
      const up = h('button', { type: 'button', class: 'button button-small button-icon', 'aria-label': `Move ${x.name} up`, title: 'Move up', disabled: i === 0 }, h('span', { 'aria-hidden': 'true' }, '↑'));
      const down = h('button', { type: 'button', class: 'button button-small button-icon', 'aria-label': `Move ${x.name} down`, title: 'Move down', disabled: i === active.length - 1 }, h('span', { 'aria-hidden': 'true' }, '↓'));
      const edit = h('button', { type: 'button', class: 'button button-small', 'aria-label': `Edit ${x.name}` }, 'Edit');
      const archive = h('button', { type: 'button', class: 'button button-small button-danger-quiet', 'aria-label': `Archive ${x.name}` }, 'Archive');
      up.addEventListener('click', () => move(x, -1));
      down.addEventListener('click', () => move(x, 1));
      edit.addEventListener('click', async () => {
        const saved = await editDialog(ctx, config, x);
        if (saved) {
          say(`${capitalised(config.noun)} ${saved} saved.`);
          await load(`Edit ${saved}`);
          return;
        }
        edit.focus();
      });
      archive.addEventListener('click', () => act(() => ctx.api.patch(config.itemPath(x.id), { archived: true }), `${x.name} archived. Restore it from the archived list.`, null));
      return h(
        'tr',
        { dataset: { id: String(x.id) } },
        h('td', { class: 'num col-order', 'data-label': 'Order' }, String(i + 1)),
        h('th', { scope: 'row', class: 'col-item' }, h('span', { class: 'item-name' }, x.name), x.description ? h('span', { class: 'item-desc' }, x.description) : null),
        h('td', { class: 'actions' }, h('span', { class: 'move-buttons' }, up, down), edit, archive),
      );
    });

    const archivedRows = archived.map((x) => {
      const restore = h('button', { type: 'button', class: 'button button-small', 'aria-label': `Restore ${x.name}` }, 'Restore');
      // Restored at the end of the list, after the ones in use.
      const last = active.reduce((m, y) => Math.max(m, y.position), 0);
      restore.addEventListener('click', () => act(() => ctx.api.patch(config.itemPath(x.id), { archived: false, position: last + 1 }), `${x.name} restored at the end of the list.`, `Archive ${x.name}`));
      return h(
        'tr',
        { class: 'is-disabled', dataset: { id: String(x.id) } },
        h('th', { scope: 'row', class: 'col-item' }, h('span', { class: 'item-name' }, x.name), x.description ? h('span', { class: 'item-desc' }, x.description) : null),
        h('td', { class: 'actions' }, restore),
      );
    });

    const table = (caption, head, trs, cls) =>
      h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          { class: ['data-table', 'framework-table', cls] },
          h('caption', { class: 'sr-only' }, caption),
          h('thead', null, h('tr', null, head.map((t) => h('th', { scope: 'col', class: t.cls }, t.text ? t.text : h('span', { class: 'sr-only' }, t.sr))))),
          h('tbody', null, trs),
        ),
      );

    replace(
      body,
      h(
        'section',
        { class: 'card card-full framework-card', 'aria-labelledby': 'framework-list-title' },
        h('div', { class: 'card-head' }, h('h2', { id: 'framework-list-title', class: 'card-title' }, config.listTitle), h('p', { class: 'muted' }, count(active.length, config.noun, config.plural))),
        active.length
          ? table(config.listTitle, [{ text: '#', cls: 'col-order' }, { text: capitalised(config.noun) }, { sr: 'Actions' }], rows, 'active-table')
          : empty(config.emptyText),
      ),
      addCard(ctx, config, () => load()),
      h(
        'section',
        { class: 'card card-full framework-card archived-card', 'aria-labelledby': 'framework-archived-title' },
        h('div', { class: 'card-head' }, h('h2', { id: 'framework-archived-title', class: 'card-title' }, `Archived ${config.plural}`), h('p', { class: 'muted' }, count(archived.length, config.noun, config.plural))),
        h('p', { class: 'hint archived-hint' }, config.archivedHint),
        archived.length ? table(`Archived ${config.plural}`, [{ text: capitalised(config.noun) }, { sr: 'Actions' }], archivedRows, 'archived-table') : h('p', { class: 'muted' }, `No archived ${config.plural}.`),
      ),
    );
    if (refocus) {
      const target = body.querySelector(`button[aria-label="${CSS.escape(refocus)}"]:not(:disabled)`);
      if (target) target.focus();
    }
  };

  return load();
}

/**
 * A success toast that replaces the one before it: moving an item five places
 * says where it is now, not five times where it went.
 */
function say(text) {
  for (const old of document.querySelectorAll('#toast .toast-success')) old.remove();
  announce(text, 'success');
}

function capitalised(word) {
  return word[0].toUpperCase() + word.slice(1);
}

function addCard(ctx, config, reload) {
  const name = nameField(config);
  const description = descriptionField(config);
  const form = h(
    'form',
    { class: 'form add-item-form', novalidate: true },
    formError(),
    h('div', { class: 'form-grid' }, name, description),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button button-primary' }, `Add ${config.noun}`)),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const value = name.control.value.trim();
    if (!value) return showError(form, { field: 'name', message: `Enter a name for the ${config.noun}.` });
    try {
      await busy(form, () => ctx.api.post(config.createPath, config.createBody({ name: value, description: oneLine(description.control.value) })), 'Adding…');
      say(`${capitalised(config.noun)} ${value} added at the end of the list.`);
      await reload();
      document.querySelector('.add-item-form input[name="name"]')?.focus();
    } catch (err) {
      if (err.status !== 401) showError(form, err);
    }
    return undefined;
  });
  return h('section', { class: 'card card-full', 'aria-labelledby': 'framework-add-title' }, h('h2', { id: 'framework-add-title', class: 'card-title' }, config.addTitle), form);
}
