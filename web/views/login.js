// views/login.js -- the login page (POST /api/v1/session).
import { h } from '../dom.js';
import { field, busy } from '../ui.js';

export function render(root, ctx) {
  ctx.setTitle('Log in');
  const flash = ctx.flash();

  const email = field({ label: 'Email', name: 'email', type: 'email', required: true, autocomplete: 'username', attrs: { spellcheck: 'false', autocapitalize: 'none' } });
  const password = field({ label: 'Password', name: 'password', type: 'password', required: true, autocomplete: 'current-password' });
  const toggle = h('button', { type: 'button', class: 'button button-quiet button-small show-password', 'aria-pressed': 'false' }, 'Show password');
  toggle.addEventListener('click', () => {
    const shown = password.control.type === 'text';
    password.control.type = shown ? 'password' : 'text';
    toggle.setAttribute('aria-pressed', String(!shown));
    toggle.textContent = shown ? 'Show password' : 'Hide password';
  });
  password.append(toggle);

  const message = h('p', { class: 'form-error', role: 'alert', id: 'login-error', hidden: true });
  const notice = flash ? h('p', { class: ['notice', `notice-${flash.kind}`], role: 'status' }, flash.text) : null;

  const form = h(
    'form',
    { class: 'login-form', novalidate: true, 'aria-describedby': 'login-error' },
    notice,
    message,
    email,
    password,
    h('button', { type: 'submit', class: 'button button-primary button-wide' }, 'Log in'),
  );

  const say = (text) => {
    message.textContent = text;
    message.hidden = !text;
  };

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (notice) notice.remove();
    const addr = email.control.value.trim();
    const pass = password.control.value;
    if (!addr || !pass) {
      say(!addr ? 'Enter your email address.' : 'Enter your password.');
      (!addr ? email : password).control.focus();
      return;
    }
    say('');
    try {
      const answer = await busy(form, () => ctx.api.post('/session', { email: addr, password: pass }, { auth: false }), 'Logging in…');
      await ctx.loggedIn(answer);
    } catch (err) {
      if (err.status === 401) {
        say('Wrong email or password. Check both and try again.');
        password.control.value = '';
        password.control.focus();
      } else {
        say(err.message);
      }
    }
  });

  root.append(
    h(
      'div',
      { class: 'login' },
      h(
        'div',
        { class: 'login-card' },
        h('p', { class: 'login-brand' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }, 'r'), 'reins'),
        h('p', { class: 'tagline' }, 'Lead people first, then manage sales.'),
        h('h1', { tabindex: '-1' }, 'Log in'),
        form,
      ),
    ),
  );
  email.control.focus();
}
