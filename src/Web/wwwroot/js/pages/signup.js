// @ts-check
// /signup: username, email, password, with the server's rules shown as hints and checked before sending; the
// server's answer (per-field problem errors, a taken name) lands next to the field it concerns.
import { h, $, replace } from '../dom.js';
import { mountLayout } from '../layout.js';
import { ApiError, currentUser, signUp } from '../session.js';
import { PASSWORD_RULE, USERNAME_RULE, busy, checkEmail, checkPassword, checkUsername, describe, field, safeNext, setFieldError, showFieldErrors } from '../forms.js';

const next = safeNext(location.search, location.origin);
const FIELDS = { username: 'signup-username', email: 'signup-email', password: 'signup-password' };

await mountLayout({ current: '/signup' });
if (currentUser()) {
  location.replace(next);
} else {
  render();
}

function render() {
  const error = h('p', { id: 'signup-error', class: 'form-error', role: 'alert', hidden: true });
  const form = h('form', { id: 'signup-form', class: 'card form', novalidate: true, onsubmit: submit },
    h('h1', null, 'Create an account'),
    field({ id: 'signup-username', label: 'Username', hint: USERNAME_RULE, attrs: { type: 'text', autocomplete: 'username', required: true, autocapitalize: 'none', maxlength: 25 } }),
    field({ id: 'signup-email', label: 'Email', attrs: { type: 'email', autocomplete: 'email', required: true, maxlength: 254 } }),
    field({ id: 'signup-password', label: 'Password', hint: PASSWORD_RULE, attrs: { type: 'password', autocomplete: 'new-password', required: true, maxlength: 256 } }),
    error,
    h('button', { id: 'signup-submit', type: 'submit', class: 'primary wide' }, 'Create account'),
    h('p', { class: 'form-footer' }, 'Already have an account? ', h('a', { href: next === '/' ? '/login' : `/login?next=${encodeURIComponent(next)}` }, 'Sign in')));
  replace($('#main'), form);

  const username = /** @type {HTMLInputElement} */ ($('#signup-username'));
  const email = /** @type {HTMLInputElement} */ ($('#signup-email'));
  const password = /** @type {HTMLInputElement} */ ($('#signup-password'));
  /** @type {[HTMLInputElement, () => string | null][]} */
  const checks = [
    [username, () => checkUsername(username.value)],
    [email, () => checkEmail(email.value.trim())],
    [password, () => checkPassword(password.value, username.value)],
  ];
  // Judge a field once the visitor leaves it, then keep its message current while they fix it. Not when they leave
  // it for the submit button: a message appearing above the button would move it from under the pointer
  // mid-click, and the submit judges every field anyway.
  const submitButton = $('#signup-submit');
  for (const [input, check] of checks) {
    input.addEventListener('blur', (event) => {
      if (input.value && event.relatedTarget !== submitButton) setFieldError(input.id, check());
    });
    input.addEventListener('input', () => { if (input.hasAttribute('aria-invalid')) setFieldError(input.id, check()); });
  }
  username.focus();

  /** @param {SubmitEvent} event */
  async function submit(event) {
    event.preventDefault();
    error.hidden = true;
    let firstInvalid = null;
    for (const [input, check] of checks) {
      const message = check();
      setFieldError(input.id, message);
      if (message && !firstInvalid) firstInvalid = input;
    }
    if (firstInvalid) return firstInvalid.focus();
    try {
      await busy(form, 'Creating account…', () => signUp(username.value, email.value.trim(), password.value));
      location.assign(next);
    } catch (failure) {
      if (showFieldErrors(failure, FIELDS)) {
        /** @type {HTMLElement | null} */ (form.querySelector('[aria-invalid="true"]'))?.focus();
        return;
      }
      if (failure instanceof ApiError && failure.status === 409) {
        // "The username is already taken." / "The email is already taken."
        const which = /email/i.test(failure.problem.title ?? '') ? 'email' : 'username';
        setFieldError(FIELDS[which], which === 'email' ? 'Another account already uses this email.' : 'This username is taken. Try another.');
        /** @type {HTMLElement} */ ($(`#${FIELDS[which]}`)).focus();
        return;
      }
      error.textContent = describe(failure);
      error.hidden = false;
    }
  }
}
