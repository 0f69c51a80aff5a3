// @ts-check
// /account: who I am, my password, my sessions, and my data rights (download it, delete the account).
// Signed-out visitors get a sign-in prompt that brings them back here.
import { h, $, replace } from '../dom.js';
import { mountLayout } from '../layout.js';
import { ApiError, adoptAccessToken, api, dropSession, onSessionChange } from '../session.js';
import { PASSWORD_RULE, busy, checkPassword, describe, field, inWords, setFieldError, showFieldErrors } from '../forms.js';

/** @typedef {{id: string, username: string, email: string, roles: string[], createdAt?: string}} Me */

/** Why the page shows the sign-in prompt, when the account just went away. */
let farewell = '';
/** @type {string | null} */
let shownFor = null;

await mountLayout({ current: '/account' });
onSessionChange((user) => {
  if (user?.id === shownFor) return;
  shownFor = user?.id ?? null;
  if (user) showAccount();
  else showSignedOut();
});

function showSignedOut() {
  replace($('#main'),
    h('section', { class: 'card form', id: 'account-signed-out' },
      h('h1', null, 'Your account'),
      farewell ? h('p', { class: 'success', role: 'status', id: 'account-farewell' }, farewell) : null,
      h('p', null, 'Sign in to change your password, download your data or delete your account.'),
      h('p', { class: 'actions' },
        h('a', { class: 'button primary', href: '/login?next=%2Faccount' }, 'Sign in'),
        h('a', { class: 'button', href: '/signup?next=%2Faccount' }, 'Create an account'))));
}

async function showAccount() {
  const main = $('#main');
  replace(main, h('p', { class: 'notice', role: 'status' }, 'Loading your account…'));
  /** @type {Me} */
  let me;
  try {
    me = await api('/api/me');
  } catch (error) {
    replace(main, h('p', { class: 'form-error', role: 'alert' }, describe(error)));
    return;
  }
  replace(main,
    h('h1', null, 'Your account'),
    h('div', { class: 'account-grid' },
      profile(me),
      passwordForm(me),
      sessions(),
      exportData(),
      deleteForm()));
}

/** @param {Me} me */
function profile(me) {
  return h('section', { class: 'card', 'aria-labelledby': 'profile-heading' },
    h('h2', { id: 'profile-heading' }, 'Profile'),
    h('dl', { class: 'facts' },
      h('dt', null, 'Username'), h('dd', { id: 'account-username' }, me.username),
      h('dt', null, 'Email'), h('dd', { id: 'account-email' }, me.email),
      h('dt', null, 'Roles'), h('dd', { id: 'account-roles' },
        me.roles.length ? me.roles.map((role) => h('span', { class: 'role' }, role)) : 'none'),
      me.createdAt ? [h('dt', null, 'Member since'), h('dd', null, h('time', { dateTime: me.createdAt }, new Date(me.createdAt).toLocaleDateString()))] : null));
}

/** @param {Me} me */
function passwordForm(me) {
  const result = h('p', { id: 'password-result', role: 'status', class: 'notice' });
  const form = h('form', { id: 'password-form', novalidate: true, 'aria-labelledby': 'password-heading', onsubmit: submit },
    h('h2', { id: 'password-heading' }, 'Change password'),
    field({ id: 'current-password', label: 'Current password', attrs: { type: 'password', autocomplete: 'current-password', required: true, maxlength: 256 } }),
    field({ id: 'new-password', label: 'New password', hint: PASSWORD_RULE, attrs: { type: 'password', autocomplete: 'new-password', required: true, maxlength: 256 } }),
    h('button', { type: 'submit', id: 'password-submit', class: 'primary' }, 'Change password'),
    result);
  return h('section', { class: 'card' }, form);

  /** @param {SubmitEvent} event */
  async function submit(event) {
    event.preventDefault();
    const current = /** @type {HTMLInputElement} */ ($('#current-password'));
    const next = /** @type {HTMLInputElement} */ ($('#new-password'));
    result.textContent = '';
    result.className = 'notice';
    const currentProblem = current.value ? null : 'Enter your current password.';
    const nextProblem = checkPassword(next.value, me.username);
    setFieldError('current-password', currentProblem);
    setFieldError('new-password', nextProblem);
    if (currentProblem) return current.focus();
    if (nextProblem) return next.focus();
    try {
      const answer = await busy(form, 'Changing…', () => api('/api/me/password', { method: 'POST', json: { currentPassword: current.value, newPassword: next.value } }));
      // Every access token issued before the change is refused now; the answer carries this page's next one.
      if (answer?.accessToken) adoptAccessToken(answer);
      form.reset();
      result.className = 'success';
      result.textContent = 'Password changed. Other devices were signed out; this one stays signed in.';
    } catch (error) {
      if (error instanceof ApiError && error.status === 403) {
        setFieldError('current-password', 'That is not your current password.');
        current.focus();
      } else if (!showFieldErrors(error, { currentPassword: 'current-password', newPassword: 'new-password', password: 'new-password' })) {
        result.className = 'form-error';
        result.textContent = describe(error);
      }
    }
  }
}

function sessions() {
  const result = h('p', { id: 'sessions-result', role: 'status', class: 'notice' });
  const button = h('button', { type: 'button', id: 'logout-everywhere', onclick: logOutEverywhere }, 'Log out everywhere');
  return h('section', { class: 'card', 'aria-labelledby': 'sessions-heading' },
    h('h2', { id: 'sessions-heading' }, 'Sessions'),
    h('p', null, 'Signs out every browser and app using this account, this one included, and disconnects their chat.'),
    button,
    result);

  async function logOutEverywhere() {
    button.disabled = true;
    try {
      await api('/api/me/sessions/revoke', { method: 'POST' });
      farewell = 'You were logged out everywhere.';
      dropSession();
    } catch (error) {
      result.className = 'form-error';
      result.textContent = describe(error);
      button.disabled = false;
    }
  }
}

function exportData() {
  const result = h('p', { id: 'export-result', role: 'status', class: 'notice' });
  const button = h('button', { type: 'button', id: 'export-data', onclick: download }, 'Download my data');
  return h('section', { class: 'card', 'aria-labelledby': 'export-heading' },
    h('h2', { id: 'export-heading' }, 'Your data'),
    h('p', null, 'A JSON file with your account, roles, stream-key metadata and every chat message you posted.'),
    button,
    result);

  async function download() {
    button.disabled = true;
    result.className = 'notice';
    result.textContent = 'Preparing your file…';
    try {
      /** @type {Response} */
      const response = await api('/api/me/export', { raw: true });
      const blob = await response.blob();
      const name = fileName(response.headers.get('Content-Disposition')) ?? 'communitystream-export.json';
      // A download link to a blob: URL is a download, not a fetch or an embed: the page's CSP does not apply to it.
      const url = URL.createObjectURL(new Blob([blob], { type: 'application/json' }));
      const link = h('a', { href: url, download: name, hidden: true });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      result.className = 'success';
      result.textContent = `Downloaded ${name}.`;
    } catch (error) {
      result.className = 'form-error';
      result.textContent = error instanceof ApiError && error.status === 429 && error.retryAfter
        ? `You just downloaded your data. You can download it again in ${inWords(error.retryAfter)}.`
        : describe(error);
    } finally {
      button.disabled = false;
    }
  }
}

function deleteForm() {
  const result = h('p', { id: 'delete-result', role: 'alert', class: 'form-error', hidden: true });
  const form = h('form', { id: 'delete-form', novalidate: true, 'aria-labelledby': 'delete-heading', onsubmit: submit },
    h('h2', { id: 'delete-heading' }, 'Delete account'),
    h('p', null, 'Your sessions and stream key are revoked at once and a live stream ends. Your chat messages stay in their rooms but show "deleted user" as the author. Your username and email become free again after a grace period.'),
    field({ id: 'delete-password', label: 'Password', hint: 'Re-enter your password to confirm it is you.', attrs: { type: 'password', autocomplete: 'current-password', required: true, maxlength: 256 } }),
    h('div', { class: 'check' },
      h('input', { type: 'checkbox', id: 'delete-confirm', required: true, 'aria-describedby': 'delete-confirm-error' }),
      h('label', { for: 'delete-confirm' }, 'I understand this cannot be undone.')),
    h('p', { class: 'field-error', id: 'delete-confirm-error', hidden: true }),
    h('button', { type: 'submit', id: 'delete-submit', class: 'danger' }, 'Delete my account'),
    result);
  return h('section', { class: 'card danger-zone' }, form);

  /** @param {SubmitEvent} event */
  async function submit(event) {
    event.preventDefault();
    const password = /** @type {HTMLInputElement} */ ($('#delete-password'));
    const confirmed = /** @type {HTMLInputElement} */ ($('#delete-confirm'));
    result.hidden = true;
    setFieldError('delete-password', password.value ? null : 'Enter your password.');
    setFieldError('delete-confirm', confirmed.checked ? null : 'Tick the box to confirm.');
    if (!password.value) return password.focus();
    if (!confirmed.checked) return confirmed.focus();
    try {
      await busy(form, 'Deleting…', () => api('/api/me', { method: 'DELETE', json: { password: password.value } }));
      farewell = 'Your account was deleted. You are signed out.';
      dropSession();
    } catch (error) {
      if (error instanceof ApiError && error.status === 403) {
        setFieldError('delete-password', 'That is not your password.');
        password.focus();
      } else {
        result.textContent = describe(error);
        result.hidden = false;
      }
    }
  }
}

/** The filename of a Content-Disposition header, if any. @param {string | null} header */
function fileName(header) {
  const match = header?.match(/filename="?([^";]+)"?/i);
  return match ? match[1] : null;
}

