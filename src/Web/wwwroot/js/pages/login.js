// @ts-check
// /login: username or email and password. A signed-in visitor goes straight on to ?next= (same-site paths only).
import { h, $, replace } from '../dom.js';
import { mountLayout } from '../layout.js';
import { currentUser, signIn } from '../session.js';
import { busy, describe, field, safeNext, setFieldError, showFieldErrors } from '../forms.js';

const next = safeNext(location.search, location.origin);

await mountLayout({ current: '/login' });
if (currentUser()) {
  location.replace(next);
} else {
  render();
}

function render() {
  const error = h('p', { id: 'login-error', class: 'form-error', role: 'alert', hidden: true });
  const form = h('form', { id: 'login-form', class: 'card form', novalidate: true, onsubmit: submit },
    h('h1', null, 'Sign in'),
    field({ id: 'login-name', label: 'Username or email', attrs: { type: 'text', autocomplete: 'username', required: true, autocapitalize: 'none', maxlength: 254 } }),
    field({ id: 'login-password', label: 'Password', attrs: { type: 'password', autocomplete: 'current-password', required: true, maxlength: 256 } }),
    error,
    h('button', { id: 'login-submit', type: 'submit', class: 'primary wide' }, 'Sign in'),
    h('p', { class: 'form-footer' }, 'New here? ', h('a', { href: withNext('/signup') }, 'Create an account')));
  replace($('#main'), form);
  /** @type {HTMLInputElement} */ ($('#login-name')).focus();

  /** @param {SubmitEvent} event */
  async function submit(event) {
    event.preventDefault();
    const name = /** @type {HTMLInputElement} */ ($('#login-name'));
    const password = /** @type {HTMLInputElement} */ ($('#login-password'));
    error.hidden = true;
    setFieldError('login-name', name.value.trim() ? null : 'Enter your username or email.');
    setFieldError('login-password', password.value ? null : 'Enter your password.');
    if (!name.value.trim()) return name.focus();
    if (!password.value) return password.focus();
    try {
      await busy(form, 'Signing in…', () => signIn(name.value.trim(), password.value));
      location.assign(next);
    } catch (failure) {
      if (showFieldErrors(failure, { login: 'login-name', password: 'login-password' })) {
        /** @type {HTMLElement | null} */ (form.querySelector('[aria-invalid="true"]'))?.focus();
        return;
      }
      error.textContent = describe(failure, { 401: 'Wrong username, email or password.', 403: 'This account is disabled.' });
      error.hidden = false;
      password.value = '';
      password.focus();
    }
  }
}

/** The same ?next= on a link to the other form. @param {string} path */
function withNext(path) {
  return next === '/' ? path : `${path}?next=${encodeURIComponent(next)}`;
}
