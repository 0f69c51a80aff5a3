// @ts-check
// What the sign-in, sign-up and account forms share: the server's credential rules (so hints match what it will
// say), per-field errors wired for screen readers, problem bodies and Retry-After in plain words, and the one
// place that decides where "?next=" may send the browser.
import { h } from './dom.js';
import { ApiError } from './session.js';

// Identity's CredentialPolicy: the server stays the judge, these only warn before a round trip.
export const USERNAME_RULE = '3 to 25 characters: letters, digits or underscore.';
export const PASSWORD_RULE = 'At least 10 characters, mixing two of: lower-case, upper-case, digits, symbols.';

/** @param {string} username @returns {string | null} */
export function checkUsername(username) {
  return /^[A-Za-z0-9_]{3,25}$/.test(username) ? null : `Username must be ${USERNAME_RULE.charAt(0).toLowerCase()}${USERNAME_RULE.slice(1)}`;
}

/** @param {string} email @returns {string | null} */
export function checkEmail(email) {
  return email.length <= 254 && /^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$/.test(email) ? null : 'Email must be a valid address.';
}

/** @param {string} password @param {string} [username] @returns {string | null} */
export function checkPassword(password, username) {
  if (password.length < 10 || password.length > 256) return 'Password must be 10 to 256 characters long.';
  const classes = [/\p{Ll}/u, /\p{Lu}/u, /\p{Nd}/u, /[^\p{Ll}\p{Lu}\p{Nd}]/u].filter((re) => re.test(password)).length;
  if (classes < 2) return 'Password must mix at least two of: lower-case letters, upper-case letters, digits, symbols.';
  if (username && password.toLowerCase().includes(username.toLowerCase())) return 'Password must not contain the username.';
  return null;
}

/**
 * "30 seconds", "2 minutes", "1 hour": a wait in words.
 * @param {number} seconds
 */
export function inWords(seconds) {
  const s = Math.max(1, Math.ceil(seconds));
  if (s < 60) return `${s} second${s === 1 ? '' : 's'}`;
  const m = Math.ceil(s / 60);
  if (m < 60) return `${m} minute${m === 1 ? '' : 's'}`;
  const hours = Math.ceil(m / 60);
  return `${hours} hour${hours === 1 ? '' : 's'}`;
}

/**
 * A failure in words a person can act on.
 * @param {unknown} error
 * @param {Record<number, string>} [byStatus] messages for specific statuses
 */
export function describe(error, byStatus = {}) {
  if (error instanceof ApiError) {
    if (error.status === 429) {
      const wait = error.retryAfter;
      return wait ? `Too many attempts. Try again in ${inWords(wait)}.` : 'Too many attempts. Try again later.';
    }
    if (byStatus[error.status]) return byStatus[error.status];
    if (error.status >= 500) return 'The server could not do that right now. Try again in a moment.';
    return error.problem.detail || error.problem.title || `The server said no (HTTP ${error.status}).`;
  }
  return "Can't reach the server. Check your connection and try again.";
}

/**
 * Where to go after signing in: `?next=` when it is a path on this site, else `/`. Refuses absolute URLs,
 * protocol-relative `//host` and `/\host` (browsers treat `\` as `/`), and the sign-in pages themselves.
 * @param {string} search location.search
 * @param {string} origin location.origin
 */
export function safeNext(search, origin) {
  const next = new URLSearchParams(search).get('next');
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\') || /[\u0000-\u001f\u007f]/.test(next)) return '/';
  let url;
  try {
    url = new URL(next, origin);
  } catch {
    return '/';
  }
  // Judge the normalised path, not the raw string: `/.//evil.example` and `/a/..//evil.example` normalise to the
  // protocol-relative `//evil.example`, which location.assign() would take to another site.
  if (url.origin !== origin || url.pathname.startsWith('//') || url.pathname === '/login' || url.pathname === '/signup') return '/';
  return url.pathname + url.search + url.hash;
}

/**
 * A labelled input with a hint and an error slot, linked by aria-describedby.
 * @param {{id: string, label: string, hint?: string, attrs?: Record<string, any>}} field
 */
export function field({ id, label, hint, attrs = {} }) {
  const hintId = hint ? `${id}-hint` : null;
  const errorId = `${id}-error`;
  const input = h('input', { id, name: id, ...attrs, 'aria-describedby': [hintId, errorId].filter(Boolean).join(' ') });
  return h('div', { class: 'field' },
    h('label', { for: id }, label),
    input,
    hint ? h('p', { class: 'hint', id: hintId }, hint) : null,
    h('p', { class: 'field-error', id: errorId, hidden: true }));
}

/**
 * Shows (or clears, with null) the error of one field.
 * @param {string} id the input's id
 * @param {string | null} message
 */
export function setFieldError(id, message) {
  const input = document.getElementById(id);
  const slot = document.getElementById(`${id}-error`);
  if (!input || !slot) return;
  slot.textContent = message ?? '';
  slot.hidden = !message;
  if (message) input.setAttribute('aria-invalid', 'true');
  else input.removeAttribute('aria-invalid');
}

/**
 * Shows a problem's per-field `errors` next to their fields. Returns whether any field took one.
 * @param {unknown} error
 * @param {Record<string, string>} fields server field name → input id
 */
export function showFieldErrors(error, fields) {
  if (!(error instanceof ApiError) || !error.problem.errors) return false;
  let shown = false;
  for (const [name, messages] of Object.entries(error.problem.errors)) {
    const id = fields[name] ?? fields[name.toLowerCase()];
    if (id && messages.length > 0) {
      setFieldError(id, messages.join(' '));
      shown = true;
    }
  }
  return shown;
}

/**
 * Marks a form busy while `work` runs (the submit button disabled and saying so), then restores it.
 * @template T
 * @param {HTMLFormElement} form
 * @param {string} busyLabel
 * @param {() => Promise<T>} work
 * @returns {Promise<T>}
 */
export async function busy(form, busyLabel, work) {
  const button = /** @type {HTMLButtonElement | null} */ (form.querySelector('button[type="submit"]'));
  const label = button?.textContent ?? '';
  form.setAttribute('aria-busy', 'true');
  if (button) {
    button.disabled = true;
    button.textContent = busyLabel;
  }
  try {
    return await work();
  } finally {
    form.removeAttribute('aria-busy');
    if (button) {
      button.disabled = false;
      button.textContent = label;
    }
  }
}
