// @ts-check
// `/`: who is live now. Polls GET /api/streams every 5 s while the tab is visible (backing off to a minute while
// the server cannot be reached), and updates rows in place: unchanged rows are not touched, so focus, hover and
// scroll position survive every refresh.
import { h, $, replace, ago } from '../dom.js';
import { mountLayout } from '../layout.js';
import { api, hasRole, onSessionChange } from '../session.js';

const POLL_MS = 5_000;
const MAX_BACKOFF_MS = 60_000;

/** @typedef {{channel: string, title: string, live: boolean, private: boolean, startedAt: string | null, viewers: number}} Stream */
/** @typedef {{li: HTMLLIElement, title: HTMLElement, viewers: HTMLElement, viewerWord: HTMLElement, started: HTMLTimeElement, badge: HTMLElement, key: string}} Row */

await mountLayout({ current: '/' });

const list = h('ul', { id: 'live-channels', class: 'channel-grid', 'aria-labelledby': 'live-heading' });
const empty = h('div', { id: 'no-live', class: 'card empty', hidden: true },
  h('p', { class: 'empty-title' }, 'Nobody is live right now.'),
  h('p', { class: 'notice', id: 'no-live-hint' }));
const status = h('p', { id: 'live-status', class: 'notice', role: 'status' });
replace($('#main'),
  h('div', { class: 'page-heading' }, h('h1', { id: 'live-heading' }, 'Live now'), status),
  list,
  empty);

// The empty state says what the visitor can do about it.
onSessionChange((user) => {
  const hint = $('#no-live-hint');
  if (!user) {
    replace(hint, 'Channels appear here the moment they go live. ', h('a', { href: '/signup' }, 'Create an account'), ' to chat when they do.');
  } else if (hasRole('streamer') || hasRole('admin')) {
    replace(hint, 'Be the first: ', h('a', { href: '/studio' }, 'go live from the studio'), '.');
  } else {
    replace(hint, 'Channels appear here the moment they go live; this list updates by itself.');
  }
});

/** @type {Map<string, Row>} */
const rows = new Map();
let loaded = false;
let failures = 0;
/** @type {number | undefined} */
let timer;
/** @type {AbortController | null} */
let inFlight = null;

await refresh();
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible') refresh();
  else stop();
});
window.addEventListener('online', () => refresh());

function stop() {
  clearTimeout(timer);
  timer = undefined;
  inFlight?.abort();
  inFlight = null;
}

async function refresh() {
  stop();
  const controller = new AbortController();
  inFlight = controller;
  try {
    /** @type {Stream[]} */
    const streams = await api('/api/streams', { anonymous: true, signal: controller.signal });
    failures = 0;
    render(streams);
    status.textContent = '';
  } catch (error) {
    if (controller.signal.aborted) return;
    failures++;
    status.textContent = loaded
      ? 'Cannot reach the server; the list below may be out of date. Retrying…'
      : 'Cannot reach the server. Retrying…';
  } finally {
    if (inFlight === controller) inFlight = null;
  }
  if (document.visibilityState === 'visible' && !controller.signal.aborted) {
    const delay = failures === 0 ? POLL_MS : Math.min(MAX_BACKOFF_MS, POLL_MS * 2 ** failures);
    timer = window.setTimeout(refresh, delay);
  }
}

/** @param {Stream[]} streams */
function render(streams) {
  loaded = true;
  const now = Date.now();
  const live = streams.filter((s) => s.live !== false);
  const seen = new Set();
  live.forEach((stream, index) => {
    seen.add(stream.channel);
    const row = rows.get(stream.channel) ?? create(stream.channel);
    update(row, stream, now);
    // Move a row only when it is out of place: a moved node loses focus, so give it back.
    const at = list.children[index];
    if (at !== row.li) {
      const hadFocus = row.li.contains(document.activeElement) ? /** @type {HTMLElement} */ (document.activeElement) : null;
      list.insertBefore(row.li, at ?? null);
      hadFocus?.focus({ preventScroll: true });
    }
  });
  for (const [channel, row] of rows) {
    if (!seen.has(channel)) {
      row.li.remove();
      rows.delete(channel);
    }
  }
  list.hidden = live.length === 0;
  empty.hidden = live.length !== 0;
  document.title = live.length > 0 ? `Live now (${live.length}) · CommunityStream` : 'Live now · CommunityStream';
}

/** @param {string} channel @returns {Row} */
function create(channel) {
  const title = h('span', { class: 'channel-title' });
  const viewers = h('span', { class: 'viewers' });
  const viewerWord = h('span', null);
  const started = h('time', { class: 'started' });
  const badge = h('span', { class: 'badge-private', hidden: true }, 'Private');
  const li = h('li', { class: 'channel-card', 'data-channel': channel },
    h('a', { href: `/c/${encodeURIComponent(channel)}`, class: 'channel-link' },
      h('span', { class: 'channel-thumb', 'aria-hidden': 'true' },
        h('span', { class: 'badge-live' }, 'LIVE')),
      h('span', { class: 'channel-body' },
        title,
        h('span', { class: 'channel-streamer' }, channel),
        h('span', { class: 'channel-meta' },
          h('span', { class: 'viewer-count' }, viewers, ' ', viewerWord),
          h('span', { 'aria-hidden': 'true' }, ' · '),
          'started ', started,
          badge))));
  const row = { li, title, viewers, viewerWord, started, badge, key: '' };
  rows.set(channel, row);
  return row;
}

/** Writes only what changed. @param {Row} row @param {Stream} stream @param {number} now */
function update(row, stream, now) {
  const title = stream.title?.trim() || `${stream.channel} is live`;
  const started = stream.startedAt ? ago(stream.startedAt, now) : 'just now';
  const key = JSON.stringify([title, stream.viewers, started, stream.private, stream.startedAt]);
  if (key === row.key) return;
  row.key = key;
  setText(row.title, title);
  setText(row.viewers, String(stream.viewers ?? 0));
  setText(row.viewerWord, stream.viewers === 1 ? 'viewer' : 'viewers');
  setText(row.started, started);
  if (stream.startedAt && row.started.dateTime !== stream.startedAt) {
    row.started.dateTime = stream.startedAt;
    row.started.title = new Date(stream.startedAt).toLocaleString();
  }
  row.badge.hidden = !stream.private;
}

/** @param {HTMLElement} el @param {string} text */
function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}

