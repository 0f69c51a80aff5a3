// @ts-check
// The browser session. The access token lives in this module's memory only (never in storage); the refresh token
// is an HttpOnly cookie scoped to /api/auth that script cannot read. A page load restores the session by one
// refresh call, proving possession of the double-submit CSRF token (the readable `cs_csrf` cookie) in a header.

/** @typedef {{id: string, username: string, email?: string, roles: string[]}} User */
/** @typedef {{type?: string, title?: string, status?: number, detail?: string, errors?: Record<string, string[]>}} Problem */

export class ApiError extends Error {
  /** @param {number} status @param {Problem} problem @param {Response} response */
  constructor(status, problem, response) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
    this.response = response;
  }

  /** Seconds to wait, from Retry-After, if the server said. */
  get retryAfter() {
    const value = Number(this.response.headers.get('Retry-After'));
    return Number.isFinite(value) && value > 0 ? value : null;
  }
}

/** @type {string | null} */
let accessToken = null;
let expiresAt = 0;
/** @type {User | null} */
let user = null;
/** @type {Promise<boolean> | null} */
let refreshing = null;
/** @type {Set<(user: User | null) => void>} */
const listeners = new Set();

/** The signed-in user, or null. */
export function currentUser() {
  return user;
}

/** @param {string} role */
export function hasRole(role) {
  return !!user && user.roles.includes(role);
}

/**
 * Called now and whenever the user changes (sign-in, sign-out, a refresh that failed).
 * @param {(user: User | null) => void} listener
 * @returns {() => void} unsubscribe
 */
export function onSessionChange(listener) {
  listeners.add(listener);
  listener(user);
  return () => listeners.delete(listener);
}

/** @param {any} answer */
function adopt(answer) {
  accessToken = answer.accessToken;
  expiresAt = Date.now() + (Number(answer.expiresIn) || 60) * 1000;
  if (answer.user) user = answer.user;
  for (const listener of listeners) listener(user);
}

function forget() {
  const had = user !== null;
  accessToken = null;
  expiresAt = 0;
  user = null;
  if (had) for (const listener of listeners) listener(null);
}

function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)cs_csrf=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : null;
}

/**
 * Restores the session from the refresh cookie, if there is one. Resolves to whether a user is signed in.
 * Concurrent callers share one request (a refresh token is single-use).
 */
export function restore() {
  if (!csrfToken()) return Promise.resolve(user !== null);
  refreshing ??= (async () => {
    try {
      // Tabs of one browser share the refresh cookie, and a refresh token is single-use: two tabs refreshing at the
      // same moment would look like a stolen token being replayed, and the server would end the session. Web Locks
      // serialise refreshes across the tabs; each sends the cookie the previous one left.
      return navigator.locks ? await navigator.locks.request('cs-session-refresh', refreshOnce) : await refreshOnce();
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

async function refreshOnce() {
  const csrf = csrfToken();
  if (!csrf) {
    forget(); // another tab signed out while this one waited
    return false;
  }
  try {
    const response = await fetch('/api/auth/refresh', {
      method: 'POST',
      headers: { 'X-CSRF-Token': csrf },
      credentials: 'same-origin',
    });
    if (!response.ok) {
      forget();
      return false;
    }
    adopt(await response.json());
    if (!user) await loadUser();
    return true;
  } catch {
    return user !== null; // offline: keep what we have, the next call retries
  }
}

async function loadUser() {
  const me = await api('/api/me');
  user = me;
  for (const listener of listeners) listener(user);
}

/**
 * A fresh access token (refreshed when under a minute is left), or null when signed out.
 * @returns {Promise<string | null>}
 */
export async function token() {
  if (accessToken && Date.now() < expiresAt - 60_000) return accessToken;
  if (!(await restore())) return null;
  return accessToken;
}

/** @param {string} login @param {string} password */
export async function signIn(login, password) {
  const answer = await api('/api/auth/login', { method: 'POST', json: { login, password, session: 'cookie' }, anonymous: true });
  adopt(answer);
  if (!user) await loadUser();
  return user;
}

/** @param {string} username @param {string} email @param {string} password */
export async function signUp(username, email, password) {
  await api('/api/auth/register', { method: 'POST', json: { username, email, password }, anonymous: true });
  return signIn(username, password);
}

/** Signs out this browser (revokes the refresh cookie's family). */
export async function signOut() {
  try {
    await fetch('/api/auth/logout', { method: 'POST', headers: { 'X-CSRF-Token': csrfToken() ?? '' }, credentials: 'same-origin' });
  } finally {
    forget();
  }
}

/**
 * Takes the fresh access token a password change answers with ({accessToken, expiresIn}): the change refuses every
 * access token issued before it, including the one this page held; the refresh cookie stays valid.
 * @param {{accessToken: string, expiresIn: number}} answer
 */
export function adoptAccessToken(answer) {
  adopt(answer);
}

/** Forgets the in-memory session after the server revoked it (log out everywhere, account deleted). */
export function dropSession() {
  forget();
}

/**
 * fetch() for our JSON API: sends the bearer token, parses JSON, retries once after a 401 with a refreshed token,
 * and throws {@link ApiError} (with the problem body) for any other failure.
 * @param {string} path
 * @param {{method?: string, json?: any, body?: BodyInit, headers?: Record<string, string>, anonymous?: boolean, raw?: boolean, signal?: AbortSignal}} [options]
 * @returns {Promise<any>}
 */
export async function api(path, options = {}) {
  for (let attempt = 0; ; attempt++) {
    /** @type {Record<string, string>} */
    const headers = { ...(options.headers ?? {}) };
    const bearer = options.anonymous ? null : await token();
    if (bearer) headers.Authorization = `Bearer ${bearer}`;
    let body = options.body;
    if (options.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(options.json);
    }
    const response = await fetch(path, { method: options.method ?? 'GET', headers, body, credentials: 'same-origin', signal: options.signal });
    if (response.status === 401 && bearer && attempt === 0) {
      accessToken = null; // revoked or expired early: one refresh, then give up
      continue;
    }
    if (!response.ok) {
      /** @type {Problem} */
      let problem = { status: response.status };
      try {
        problem = await response.json();
      } catch {
        // not JSON: keep the status
      }
      throw new ApiError(response.status, problem, response);
    }
    if (options.raw) return response;
    if (response.status === 204 || response.headers.get('Content-Length') === '0') return null;
    const type = response.headers.get('Content-Type') ?? '';
    return type.includes('json') ? response.json() : response.text();
  }
}
