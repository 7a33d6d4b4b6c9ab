// views/meeting.js -- #/meetings/:id: one one-on-one, for either side.
//
//   agenda      both sides add talking points (author shown), mark them
//               covered; points carried over from an earlier meeting say so
//   actions     every open action item of the series (they come back until
//               done) with owner and due date; assign a new one, mark done
//   notes       shared notes (saved as you type, with the save state) and the
//               user's own private note, which only they can ever read
//   suggestions talking points reins proposes, each with its reason, added
//               to the agenda in one click
//   hold        marks it held; points not covered move to the next meeting,
//               which the page then offers to open
import { h, replace, id as uid } from '../dom.js';
import { formatDate, addDays, daysBetween } from '../format.js';
import { pageHeader, loading, errorBox, field, formError, showError, clearErrors, busy, announce, confirmDialog } from '../ui.js';
import { cadenceLabel, otherSide, prepareNext, badge } from '../leading.js';

const STATUS = { planned: 'Planned', held: 'Held', cancelled: 'Cancelled' };
const AUTOSAVE_MS = 1200;

/**
 * A textarea saved with PUT `path` {text}: after a pause in typing, on leaving
 * the field, and with its Save button. The state line says what happened.
 */
function noteEditor(ctx, { title, path, initial, hint, privateNote = false, name }) {
  const controlId = uid(`note-${name}`);
  const stateId = `${controlId}-state`;
  const hintId = `${controlId}-hint`;
  const textarea = h('textarea', { id: controlId, name, rows: privateNote ? '5' : '9', 'aria-describedby': `${hintId} ${stateId}`, class: 'note-text' }, initial || '');
  const state = h('p', { class: 'save-state', id: stateId, role: 'status' }, initial ? 'Saved' : '');
  const save = h('button', { type: 'button', class: 'button button-small' }, 'Save');
  let saved = initial || '';
  let timer = null;
  let saving = null;

  const setState = (text, kind) => {
    state.textContent = text;
    state.dataset.state = kind;
  };
  const run = async () => {
    clearTimeout(timer);
    if (saving) {
      await saving;
    }
    const text = textarea.value;
    if (text === saved) {
      setState(text ? 'Saved' : '', 'saved');
      return;
    }
    setState('Saving…', 'saving');
    save.disabled = true;
    saving = ctx.api
      .put(path, { text })
      .then(() => {
        saved = text;
        setState(textarea.value === saved ? 'Saved' : 'Unsaved changes', textarea.value === saved ? 'saved' : 'dirty');
      })
      .catch((err) => {
        if (err.status !== 401) setState(`Not saved: ${err.message}`, 'error');
      })
      .finally(() => {
        save.disabled = false;
        saving = null;
      });
    await saving;
  };
  textarea.addEventListener('input', () => {
    setState('Unsaved changes', 'dirty');
    clearTimeout(timer);
    timer = setTimeout(run, AUTOSAVE_MS);
  });
  textarea.addEventListener('blur', () => {
    if (textarea.value !== saved) run();
  });
  save.addEventListener('click', run);

  const el = h(
    'div',
    { class: ['note', privateNote ? 'note-private' : 'note-shared'], dataset: { note: name } },
    h('div', { class: 'note-head' }, h('label', { for: controlId, class: 'note-label' }, title), privateNote ? badge('Only you can ever read this', 'private') : null),
    h('p', { class: 'hint', id: hintId }, hint),
    textarea,
    h('div', { class: 'note-foot' }, state, save),
  );
  el.isDirty = () => textarea.value !== saved;
  el.flush = run;
  el.setText = (text) => {
    if (el.isDirty()) return;
    textarea.value = text || '';
    saved = text || '';
  };
  return el;
}

export async function render(root, ctx) {
  const meetingId = Number(ctx.params.id);
  const me = ctx.session.person;
  ctx.setTitle('One-on-one');
  const crumbs = h('nav', { class: 'crumbs', 'aria-label': 'Where you are' }, h('a', { href: '#/oneonones' }, 'One-on-ones'));
  const header = pageHeader('One-on-one');
  const body = h('div', null, loading('Loading the meeting…'));
  root.append(crumbs, header, body);

  let meeting;
  let series;
  try {
    meeting = await ctx.api.get(`/meetings/${meetingId}`);
    series = await ctx.api.get(`/oneonones/${meeting.series_id}`);
  } catch (err) {
    if (err.status === 404) ctx.notFound('This one-on-one does not exist, or it is not yours: only its two participants can open it.');
    else if (err.status !== 401) replace(body, errorBox(err, { title: 'Could not load this one-on-one', retry: () => ctx.navigate(location.hash) }));
    return;
  }
  if (!ctx.isCurrent()) return;
  if (!me) {
    ctx.notFound('One-on-ones are open to their two participants only.');
    return;
  }

  const other = otherSide(series, me.id);
  const otherName = other.person.name;
  const firstName = otherName.split(/\s+/)[0];
  const participants = [
    { id: me.id, name: me.name },
    { id: other.person.id, name: otherName },
  ];
  const nameOf = (p) => (p && p.id === me.id ? 'You' : p ? p.name : 'Someone');

  ctx.setTitle(`One-on-one with ${otherName}`);
  header.querySelector('h1').textContent = `One-on-one with ${otherName}`;
  const intro = h('p', { class: 'intro' });
  header.querySelector('.page-title').append(intro);
  crumbs.append(h('span', { class: 'crumb-sep', 'aria-hidden': 'true' }, '›'), other.iAmManager ? h('a', { href: `#/people/${other.person.id}` }, otherName) : h('span', null, otherName));
  const crumbDate = h('span', { 'aria-current': 'page' });
  crumbs.append(h('span', { class: 'crumb-sep', 'aria-hidden': 'true' }, '›'), crumbDate);

  const refreshButton = h('button', { type: 'button', class: 'button' }, 'Refresh');
  const holdButton = h('button', { type: 'button', class: 'button button-primary', id: 'hold-meeting' }, 'Hold meeting');
  header.append(h('div', { class: 'page-actions' }, refreshButton, holdButton));

  const noticeSlot = h('div', { class: 'meeting-notice' });
  const meetingNav = h('nav', { class: 'meeting-nav', 'aria-label': 'Other meetings of this series' });

  // ---------------------------------------------------------------- agenda
  const agendaList = h('ul', { class: 'agenda-list' });
  const agendaText = field({ label: 'Add a talking point', name: 'agenda_text', attrs: { maxlength: '500', autocomplete: 'off', placeholder: `Something to talk about with ${firstName}` } });
  const agendaForm = h('form', { class: 'add-form', novalidate: true }, formError(), h('div', { class: 'inline-form' }, agendaText, h('button', { type: 'submit', class: 'button button-primary' }, 'Add to agenda')));
  const agendaCard = h(
    'section',
    { class: 'card', 'aria-labelledby': 'agenda-title', dataset: { section: 'agenda' } },
    h('h2', { id: 'agenda-title', class: 'card-title' }, 'Shared agenda'),
    h('p', { class: 'muted small' }, `You and ${firstName} both add to it before and during the meeting. Points not covered move to the next one.`),
    agendaList,
    agendaForm,
  );

  const addAgenda = async (text) => {
    const item = await ctx.api.post(`/meetings/${meetingId}/agenda`, { text });
    if (item && Array.isArray(item.agenda)) meeting.agenda = item.agenda; // answered with the whole meeting
    else if (item && item.text !== undefined) meeting.agenda = [...(meeting.agenda || []), item];
    else meeting.agenda = (await ctx.api.get(`/meetings/${meetingId}`)).agenda;
    renderAgenda();
    renderSuggestions();
    return item;
  };

  function renderAgenda() {
    const items = meeting.agenda || [];
    if (!items.length) {
      replace(agendaList, h('li', { class: 'agenda-empty muted' }, 'Nothing on the agenda yet. Add what you want to talk about.'));
      return;
    }
    replace(
      agendaList,
      items.map((item) => {
        const cbId = uid('agenda');
        const cb = h('input', { type: 'checkbox', id: cbId, checked: Boolean(item.covered), class: 'check' });
        cb.addEventListener('change', async () => {
          const want = cb.checked;
          cb.disabled = true;
          try {
            await ctx.api.patch(`/agenda/${item.id}`, { covered: want });
            item.covered = want;
            li.classList.toggle('is-done', want);
          } catch (err) {
            cb.checked = !want;
            if (err.status !== 401) announce(err.message, 'error');
          } finally {
            cb.disabled = false;
          }
        });
        const mine = item.author && item.author.id === me.id;
        const remove = mine
          ? h('button', { type: 'button', class: 'button button-small button-quiet button-danger-quiet', 'aria-label': `Remove “${item.text}” from the agenda` }, 'Remove')
          : null;
        if (remove) {
          remove.addEventListener('click', async () => {
            remove.disabled = true;
            try {
              await ctx.api.del(`/agenda/${item.id}`);
              meeting.agenda = meeting.agenda.filter((x) => x.id !== item.id);
              renderAgenda();
              renderSuggestions();
              agendaText.control.focus();
            } catch (err) {
              remove.disabled = false;
              if (err.status !== 401) announce(err.message, 'error');
            }
          });
        }
        // carried_from: the id of the meeting the point was not covered in.
        const from = item.carried_from ? (series.meetings || []).find((m) => m.id === item.carried_from) : null;
        const carried = item.carried_from
          ? [badge('Carried over', 'info', 'Not covered in an earlier meeting'), from ? [' from ', h('a', { href: `#/meetings/${from.id}` }, formatDate(from.date))] : null]
          : null;
        const li = h(
          'li',
          { class: ['agenda-item', item.covered ? 'is-done' : null, item.carried_from ? 'is-carried' : null], dataset: { agenda: String(item.id) } },
          cb,
          h(
            'div',
            { class: 'item-main' },
            h('label', { for: cbId, class: 'item-text' }, item.text, h('span', { class: 'sr-only' }, item.covered ? ' (covered)' : '')),
            h('p', { class: 'item-meta' }, `Added by ${nameOf(item.author)}`, carried ? [' · ', carried] : null),
          ),
          remove,
        );
        return li;
      }),
    );
  }

  agendaForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(agendaForm);
    const text = agendaText.control.value.trim();
    if (!text) return showError(agendaForm, { field: 'agenda_text', message: 'Write the talking point first.' });
    try {
      await busy(agendaForm, () => addAgenda(text), 'Adding…');
      agendaText.control.value = '';
      agendaText.control.focus();
    } catch (err) {
      if (err.status !== 401) showError(agendaForm, err, { text: 'agenda_text' });
    }
    return undefined;
  });

  // ---------------------------------------------------------------- actions
  const actionList = h('ul', { class: 'action-list' });
  const actionText = field({ label: 'Action item', name: 'action_text', required: true, attrs: { maxlength: '500', autocomplete: 'off', placeholder: 'What will be done' } });
  const actionOwner = field({ label: 'Owner', name: 'owner_id', type: 'select', value: other.person.id, options: participants.map((p) => ({ value: p.id, label: p.id === me.id ? `${p.name} (you)` : p.name })) });
  const actionDue = field({ label: 'Due', name: 'due_date', type: 'date', value: addDays(meeting.date > ctx.today ? meeting.date : ctx.today, 7) });
  const actionForm = h(
    'form',
    { class: 'add-form action-form', novalidate: true },
    formError(),
    h('div', { class: 'inline-form' }, actionText, actionOwner, actionDue, h('button', { type: 'submit', class: 'button button-primary' }, 'Assign')),
  );
  const actionsCard = h(
    'section',
    { class: 'card', 'aria-labelledby': 'actions-title', dataset: { section: 'actions' } },
    h('h2', { id: 'actions-title', class: 'card-title' }, 'Action items'),
    h('p', { class: 'muted small' }, 'Open items come back to every meeting until they are done.'),
    actionList,
    actionForm,
  );

  function renderActions() {
    const items = [...(meeting.actions || [])].sort((a, b) => Number(a.done) - Number(b.done) || String(a.due_date || '9999').localeCompare(String(b.due_date || '9999')));
    if (!items.length) {
      replace(actionList, h('li', { class: 'agenda-empty muted' }, 'No open action items.'));
      return;
    }
    replace(
      actionList,
      items.map((a) => {
        const cbId = uid('action');
        const cb = h('input', { type: 'checkbox', id: cbId, checked: Boolean(a.done), class: 'check' });
        const late = !a.done && a.due_date && daysBetween(ctx.today, a.due_date) < 0;
        const li = h(
          'li',
          { class: ['action-item', a.done ? 'is-done' : null], dataset: { action: String(a.id) } },
          cb,
          h(
            'div',
            { class: 'item-main' },
            h('label', { for: cbId, class: 'item-text' }, a.text, h('span', { class: 'sr-only' }, a.done ? ' (done)' : '')),
            h(
              'p',
              { class: 'item-meta' },
              h('span', { class: 'owner' }, nameOf(a.owner)),
              a.due_date ? [' · due ', h('time', { datetime: a.due_date }, formatDate(a.due_date))] : ' · no due date',
              late ? [' ', badge('Late', 'warning')] : null,
              a.meeting_id && a.meeting_id !== meetingId ? [' · ', h('a', { href: `#/meetings/${a.meeting_id}` }, 'from an earlier meeting')] : null,
            ),
          ),
        );
        cb.addEventListener('change', async () => {
          const want = cb.checked;
          cb.disabled = true;
          try {
            await ctx.api.patch(`/actions/${a.id}`, { done: want });
            a.done = want;
            li.classList.toggle('is-done', want);
            announce(want ? 'Marked done.' : 'Open again.', 'success');
          } catch (err) {
            cb.checked = !want;
            if (err.status !== 401) announce(err.message, 'error');
          } finally {
            cb.disabled = false;
          }
        });
        return li;
      }),
    );
  }

  actionForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(actionForm);
    const text = actionText.control.value.trim();
    if (!text) return showError(actionForm, { field: 'action_text', message: 'Say what will be done.' });
    const body = { text, owner_id: Number(actionOwner.control.value) };
    if (actionDue.control.value) body.due_date = actionDue.control.value;
    try {
      const item = await busy(actionForm, () => ctx.api.post(`/meetings/${meetingId}/actions`, body), 'Assigning…');
      const owner = participants.find((p) => p.id === body.owner_id);
      // The contract says 201; the item itself, or the meeting with every action: take either.
      if (item && Array.isArray(item.actions)) meeting.actions = item.actions;
      else if (item && item.text !== undefined) meeting.actions = [...(meeting.actions || []), item];
      else meeting.actions = (await ctx.api.get(`/meetings/${meetingId}`)).actions;
      renderActions();
      actionText.control.value = '';
      actionText.control.focus();
      announce(`Assigned to ${owner.id === me.id ? 'you' : owner.name}.`, 'success');
    } catch (err) {
      if (err.status !== 401) showError(actionForm, err, { text: 'action_text' });
    }
    return undefined;
  });

  // ---------------------------------------------------------------- notes
  const shared = noteEditor(ctx, {
    title: 'Shared notes',
    name: 'shared',
    path: `/meetings/${meetingId}/shared-notes`,
    initial: meeting.shared_notes,
    hint: `${firstName} reads and edits these too. Saved as you type.`,
  });
  const privateNote = noteEditor(ctx, {
    title: 'Your private note',
    name: 'private',
    privateNote: true,
    path: `/meetings/${meetingId}/private-note`,
    initial: meeting.private_note,
    hint: `Not ${firstName}, not an admin, not anyone above you: only you. It is in no export.`,
  });
  const notesCard = h('section', { class: 'card', 'aria-labelledby': 'notes-title', dataset: { section: 'notes' } }, h('h2', { id: 'notes-title', class: 'card-title' }, 'Notes'), shared, privateNote);

  // ---------------------------------------------------------------- suggestions
  const suggestionList = h('div');
  const suggestionsCard = h(
    'section',
    { class: 'card', 'aria-labelledby': 'suggest-title', dataset: { section: 'suggestions' } },
    h('h2', { id: 'suggest-title', class: 'card-title' }, 'Suggested talking points'),
    h('p', { class: 'muted small' }, 'From what reins knows: goals, growth ratings, recognition. Each says why.'),
    suggestionList,
  );

  function renderSuggestions() {
    const list = meeting.suggestions || [];
    suggestionsCard.hidden = meeting.status !== 'planned' && !list.length;
    if (!list.length) {
      replace(suggestionList, h('p', { class: 'muted small' }, 'Nothing to suggest right now.'));
      return;
    }
    const onAgenda = new Set((meeting.agenda || []).map((a) => a.text.trim().toLowerCase()));
    replace(
      suggestionList,
      h(
        'ul',
        { class: 'suggestion-list' },
        list.map((sg) => {
          const added = onAgenda.has(sg.text.trim().toLowerCase());
          const button = h('button', { type: 'button', class: 'button button-small', disabled: added || meeting.status !== 'planned', 'aria-label': added ? `“${sg.text}” is on the agenda` : `Add “${sg.text}” to the agenda` }, added ? 'On the agenda' : 'Add to agenda');
          button.addEventListener('click', async () => {
            button.disabled = true;
            try {
              await addAgenda(sg.text);
              announce('Added to the agenda.', 'success');
            } catch (err) {
              button.disabled = false;
              if (err.status !== 401) announce(err.message, 'error');
            }
          });
          return h('li', { class: 'suggestion', dataset: { kind: sg.kind } }, h('div', { class: 'item-main' }, h('p', { class: 'item-text' }, sg.text), h('p', { class: 'item-meta' }, h('span', { class: 'why' }, 'Why: '), sg.reason)), button);
        }),
      ),
    );
  }

  // ---------------------------------------------------------------- header, navigation, hold
  function renderHead() {
    const status = STATUS[meeting.status] || meeting.status;
    replace(intro, h('time', { datetime: meeting.date }, formatDate(meeting.date)), ' · ', badge(status, meeting.status === 'held' ? 'success' : 'muted'), ` · ${cadenceLabel(series.cadence)} · with ${other.role}`);
    crumbDate.textContent = formatDate(meeting.date);
    holdButton.hidden = meeting.status !== 'planned';
    agendaForm.hidden = meeting.status !== 'planned';
    const meetings = [...(series.meetings || [])].sort((a, b) => String(a.date).localeCompare(String(b.date)));
    const i = meetings.findIndex((m) => m.id === meetingId);
    const prev = i > 0 ? meetings[i - 1] : null;
    const next = i >= 0 && i < meetings.length - 1 ? meetings[i + 1] : null;
    replace(
      meetingNav,
      prev ? h('a', { href: `#/meetings/${prev.id}`, class: 'button button-small' }, `‹ ${formatDate(prev.date)}`) : null,
      next ? h('a', { href: `#/meetings/${next.id}`, class: 'button button-small next-meeting' }, `${formatDate(next.date)} ›`) : null,
    );
    meetingNav.hidden = !prev && !next;
    if (meeting.status === 'held' && !noticeSlot.firstChild) {
      const prep = h('button', { type: 'button', class: 'button button-small' }, 'Prepare the next one');
      prep.addEventListener('click', async () => {
        prep.disabled = true;
        try {
          await prepareNext(ctx.api, series.id);
        } catch (err) {
          prep.disabled = false;
          if (err.status !== 401) announce(err.message, 'error');
        }
      });
      replace(noticeSlot, h('div', { class: 'notice notice-success' }, h('p', null, `This one-on-one was held on ${formatDate(meeting.date)}.`), h('p', null, prep)));
    }
  }

  holdButton.addEventListener('click', async () => {
    const open = (meeting.agenda || []).filter((a) => !a.covered).length;
    const ok = await confirmDialog(
      'Hold this one-on-one?',
      open
        ? `It is marked as held. ${open === 1 ? 'The point not covered moves' : `The ${open} points not covered move`} to the next meeting.`
        : 'It is marked as held. Every agenda point was covered.',
      'Hold meeting',
    );
    if (!ok) return holdButton.focus();
    holdButton.disabled = true;
    try {
      await Promise.all([shared.flush(), privateNote.flush()]);
      const answer = await ctx.api.post(`/meetings/${meetingId}/hold`);
      if (answer && answer.meeting && answer.meeting.agenda) meeting = { ...meeting, ...answer.meeting };
      else meeting = await ctx.api.get(`/meetings/${meetingId}`);
      meeting.status = 'held';
      const nextId = answer && answer.next_meeting_id;
      series = await ctx.api.get(`/oneonones/${meeting.series_id}`).catch(() => series);
      const openNext = nextId ? h('a', { href: `#/meetings/${nextId}`, class: 'button button-primary', id: 'open-next' }, 'Open the next meeting') : null;
      replace(
        noticeSlot,
        h(
          'div',
          { class: 'notice notice-success', role: 'status' },
          h('p', { class: 'notice-title' }, 'Held.'),
          h('p', null, open ? `${open === 1 ? 'One point' : `${open} points`} not covered moved to the next meeting, with the open action items.` : 'Open action items come back in the next meeting.'),
          openNext ? h('p', null, openNext) : null,
        ),
      );
      renderAll();
      if (openNext) openNext.focus();
    } catch (err) {
      if (err.status !== 401) announce(err.message, 'error');
    } finally {
      holdButton.disabled = false;
    }
    return undefined;
  });

  const refresh = async () => {
    refreshButton.disabled = true;
    try {
      const fresh = await ctx.api.get(`/meetings/${meetingId}`);
      meeting = fresh;
      shared.setText(fresh.shared_notes);
      privateNote.setText(fresh.private_note);
      renderAll();
    } catch (err) {
      if (err.status !== 401) announce(err.message, 'error');
    } finally {
      refreshButton.disabled = false;
    }
  };
  refreshButton.addEventListener('click', refresh);

  function renderAll() {
    renderHead();
    renderAgenda();
    renderActions();
    renderSuggestions();
  }

  replace(
    body,
    noticeSlot,
    meetingNav,
    h('div', { class: 'meeting-grid' }, h('div', { class: 'meeting-col' }, agendaCard, actionsCard), h('div', { class: 'meeting-col' }, notesCard, suggestionsCard)),
  );
  renderAll();
}
