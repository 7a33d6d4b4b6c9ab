// views/kudos.js -- #/kudos: give kudos (a person from the directory, found by
// typing; one of the team's values; a message) and the feed of the kudos the
// user may see. #/kudos?to=7 picks the person; #/kudos?person=7 shows only
// the kudos given to or by person 7.
import { h, replace, id as uid } from '../dom.js';
import { pageHeader, loading, errorBox, empty, field, formError, showError, clearErrors, busy, announce } from '../ui.js';
import { kudosItem } from '../leading.js';

function query() {
  const q = location.hash.split('?')[1] || '';
  return new URLSearchParams(q);
}

/**
 * Pick a person: a search box that filters a list box of people (name, title,
 * team). Typing narrows the list; one match is picked at once; arrows and
 * Enter work in the list as in any select.
 */
function personPicker(people, preselect) {
  const searchId = uid('kudos-search');
  const selId = uid('kudos-to');
  const errorId = `${selId}-error`;
  const search = h('input', { type: 'search', id: searchId, autocomplete: 'off', placeholder: 'Type a name, title or team', 'aria-controls': selId, 'aria-describedby': `${searchId}-hint` });
  const select = h('select', { id: selId, name: 'to_id', size: '6', required: true, 'aria-describedby': errorId, class: 'person-list' });
  const count = h('p', { class: 'hint', id: `${searchId}-hint`, role: 'status' });
  const label = (p) => [p.name, p.title, p.team].filter(Boolean).join(' · ');
  const fill = (text) => {
    const t = text.trim().toLowerCase();
    const keep = select.value;
    const shown = people.filter((p) => !t || label(p).toLowerCase().includes(t));
    replace(select, shown.slice(0, 200).map((p) => h('option', { value: String(p.id), selected: String(p.id) === keep }, label(p))));
    if (shown.length === 1) select.value = String(shown[0].id);
    count.textContent = t ? `${shown.length} ${shown.length === 1 ? 'match' : 'matches'}${shown.length === 1 ? ', picked' : ''}` : `${people.length} people; type to narrow the list.`;
  };
  search.addEventListener('input', () => fill(search.value));
  search.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      select.focus();
      if (!select.value && select.options.length) select.value = select.options[0].value;
    }
  });
  fill('');
  if (preselect) {
    const p = people.find((x) => x.id === preselect);
    if (p) {
      search.value = p.name;
      fill(p.name);
      select.value = String(p.id);
    }
  }
  const wrapper = h(
    'div',
    { class: 'field picker', dataset: { field: 'to_id' } },
    h('label', { for: searchId }, 'Find a person'),
    search,
    count,
    h('label', { for: selId, class: 'picker-label' }, 'Recognise', h('span', { class: 'required', 'aria-hidden': 'true' }, ' *')),
    select,
    h('p', { class: 'field-error', id: errorId, hidden: true }),
  );
  wrapper.control = select;
  wrapper.search = search;
  return wrapper;
}

function valuePicker(values) {
  const name = 'value_id';
  return h(
    'fieldset',
    { class: 'field value-picker', dataset: { field: name } },
    h('legend', null, 'For which value', h('span', { class: 'required', 'aria-hidden': 'true' }, ' *')),
    h(
      'div',
      { class: 'value-options' },
      values.map((v) => {
        const rid = uid('value');
        return h(
          'div',
          { class: 'value-option' },
          h('input', { type: 'radio', name, id: rid, value: String(v.id) }),
          h('label', { for: rid }, h('span', { class: 'value-name' }, v.name), v.description ? h('span', { class: 'value-desc' }, v.description) : null),
        );
      }),
    ),
    h('p', { class: 'field-error', hidden: true }),
  );
}

export async function render(root, ctx) {
  ctx.setTitle('Kudos');
  const me = ctx.session.person;
  const q = query();
  const onlyPerson = Number(q.get('person')) || null;
  root.append(pageHeader('Kudos', { intro: 'Say thank you for something done well, tied to one of the team’s values. Kudos are visible to the team.' }));
  const giveCard = h('section', { class: 'card give-card', 'aria-labelledby': 'give-title' }, h('h2', { id: 'give-title', class: 'card-title' }, 'Give kudos'), loading());
  const feedCard = h('section', { class: 'card feed-card', 'aria-labelledby': 'feed-title' }, h('h2', { id: 'feed-title', class: 'card-title' }, 'Recent kudos'), loading('Loading kudos…'));
  const feedList = h('ul', { class: 'kudos-list' });
  root.append(h('div', { class: 'kudos-layout' }, me ? giveCard : null, feedCard));

  let scope = onlyPerson ? 'person' : 'all';
  const PAGE = 20;
  let limit = PAGE;
  const moreButton = h('button', { type: 'button', class: 'button button-small', hidden: true }, 'Show more');
  moreButton.addEventListener('click', async () => {
    limit += PAGE;
    const before = feedList.children.length;
    await loadFeed({ keep: true });
    const next = feedList.children[before];
    if (next) {
      next.setAttribute('tabindex', '-1');
      next.focus();
    }
  });
  const loadFeed = async ({ keep = false } = {}) => {
    if (!keep) limit = PAGE;
    const base = scope === 'mine' && me ? `/kudos?person_id=${me.id}&` : scope === 'person' ? `/kudos?person_id=${onlyPerson}&` : '/kudos?';
    if (!keep) replace(feedList, h('li', null, loading('Loading kudos…')));
    moreButton.disabled = true;
    try {
      const { kudos } = await ctx.api.get(`${base}limit=${limit}`);
      if (!ctx.isCurrent()) return;
      replace(feedList, kudos.length ? kudos.map((k) => kudosItem(k, me && me.id, { linkPeople: ctx.session.user.role !== 'seller' })) : h('li', null, empty(scope === 'mine' ? 'No kudos given to you or by you yet.' : 'No kudos yet. Be the first to say thank you.')));
      moreButton.hidden = kudos.length < limit;
      moreButton.disabled = false;
    } catch (err) {
      if (err.status !== 401) replace(feedList, h('li', null, errorBox(err, { title: 'Could not load kudos', retry: loadFeed })));
    }
  };
  const scopes = [
    ['all', 'Everything you can see'],
    me ? ['mine', 'To or by you'] : null,
    onlyPerson ? ['person', 'This person'] : null,
  ].filter(Boolean);
  const scopeBox = h(
    'div',
    { class: 'segmented', role: 'group', 'aria-label': 'Which kudos' },
    scopes.map(([key, label]) => {
      const b = h('button', { type: 'button', class: 'button button-small', 'aria-pressed': String(key === scope) }, label);
      b.addEventListener('click', () => {
        scope = key;
        for (const x of scopeBox.querySelectorAll('button')) x.setAttribute('aria-pressed', String(x === b));
        loadFeed();
      });
      return b;
    }),
  );
  replace(feedCard, h('h2', { id: 'feed-title', class: 'card-title' }, 'Recent kudos'), scopes.length > 1 ? scopeBox : null, feedList, h('p', { class: 'card-more' }, moreButton));
  const feedDone = loadFeed();

  if (!me) return feedDone;

  let directory;
  let values;
  try {
    [directory, values] = await Promise.all([ctx.api.get('/directory', { cache: true }).then((r) => r.people), ctx.api.get('/values', { cache: true }).then((r) => r.values)]);
  } catch (err) {
    if (err.status !== 401) replace(giveCard, h('h2', { id: 'give-title', class: 'card-title' }, 'Give kudos'), errorBox(err, { title: 'Could not load the people and values', retry: () => ctx.navigate(location.hash) }));
    return feedDone;
  }
  if (!ctx.isCurrent()) return feedDone;
  const people = directory.filter((p) => p.id !== me.id).sort((a, b) => a.name.localeCompare(b.name));
  const active = values.filter((v) => !v.archived).sort((a, b) => (a.position ?? 0) - (b.position ?? 0));

  const picker = personPicker(people, Number(q.get('to')) || null);
  const valueBox = valuePicker(active);
  valueBox.control = valueBox.querySelector('input') || valueBox;
  const message = field({ label: 'Message', name: 'message', type: 'textarea', required: true, hint: 'What they did and why it mattered. 1 to 1000 characters.', attrs: { rows: '4', maxlength: '1000' } });
  const counter = h('p', { class: 'hint counter', 'aria-live': 'off' }, '0 / 1000');
  message.control.addEventListener('input', () => {
    counter.textContent = `${message.control.value.length} / 1000`;
  });
  message.append(counter);
  const form = h('form', { class: 'kudos-form', novalidate: true }, formError(), picker, valueBox, message, h('div', { class: 'form-actions' }, h('button', { type: 'submit', class: 'button button-primary' }, 'Give kudos')));
  replace(giveCard, h('h2', { id: 'give-title', class: 'card-title' }, 'Give kudos'), active.length ? form : empty('No values to recognise yet. An administrator adds the team’s values.'));

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const toId = Number(picker.control.value);
    const value = form.querySelector('input[name="value_id"]:checked');
    const text = message.control.value.trim();
    if (!toId) return showError(form, { field: 'to_id', message: 'Pick whom to recognise.' });
    if (!value) {
      const slot = valueBox.querySelector('.field-error');
      slot.textContent = 'Pick the value it shows.';
      slot.hidden = false;
      valueBox.querySelector('input').focus();
      return undefined;
    }
    if (!text) return showError(form, { field: 'message', message: 'Say what they did.' });
    try {
      const k = await busy(form, () => ctx.api.post('/kudos', { to_id: toId, value_id: Number(value.value), message: text }), 'Sending…');
      const to = people.find((p) => p.id === toId);
      announce(`Kudos sent to ${to ? to.name : 'them'}.`, 'success');
      message.control.value = '';
      counter.textContent = '0 / 1000';
      value.checked = false;
      if (scope === 'person' && toId !== onlyPerson) scope = 'all';
      if (k && k.id && feedList.querySelector('.empty')) replace(feedList);
      await loadFeed();
      const mine = k && k.id ? feedList.querySelector(`[data-kudos="${k.id}"]`) : null;
      if (mine) mine.classList.add('is-new');
      picker.search.focus();
    } catch (err) {
      if (err.status !== 401) showError(form, err);
    }
    return undefined;
  });
  return feedDone;
}
