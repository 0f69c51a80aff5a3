// @ts-check
// The chat panel of the watch page: the log, the composer with its character counter, the status line that says
// in words why a message did not go out, the viewer count, and the moderation tools for those who may use them.
import { h, replace } from '../dom.js';
import { ChatClient } from './client.js';
import { ChatLogView } from './log-view.js';
import { describeError, clock } from './errors.js';
import { postBlocker, setPeople } from './state.js';
import { mountModTools } from './mod-tools.js';

/**
 * @typedef {object} ChatPanelOptions
 * @property {string} room
 * @property {import('./client.js').ChatAuth} auth
 * @property {() => {username: string, roles: string[]} | null} user
 * @property {Promise<Map<string, string>>} emotes
 * @property {(listener: (user: any) => void) => void} onUserChange
 * @property {(frame: any) => void} [onStream]
 * @property {(room: string) => Promise<any>} roomInfo
 * @property {number} [keep]
 */

/**
 * Builds the panel into `root` and connects. Returns the client (tests and the page use its events).
 * @param {HTMLElement} root
 * @param {ChatPanelOptions} options
 */
export function mountChat(root, options) {
  const { room } = options;
  const log = h('ol', { id: 'chat-log', class: 'chat-log', 'aria-live': 'polite', 'aria-relevant': 'additions', 'aria-label': 'Chat messages', tabindex: 0 });
  const newBelow = h('button', { type: 'button', id: 'chat-new', class: 'chat-new', hidden: true }, 'New messages');
  const status = h('p', { id: 'chat-status', class: 'chat-status', role: 'status' });
  const input = h('input', { id: 'chat-input', type: 'text', autocomplete: 'off', enterkeyhint: 'send', placeholder: 'Send a message', disabled: true, 'aria-describedby': 'chat-counter chat-status' });
  const counter = h('span', { id: 'chat-counter', class: 'chat-counter', 'aria-live': 'off' });
  const sendButton = h('button', { id: 'chat-send', type: 'submit', class: 'primary', disabled: true }, 'Chat');
  const viewers = h('span', { id: 'viewer-count', class: 'viewer-count' }, '');
  const modHost = h('div', { class: 'mod-host' });
  const form = h('form', { id: 'chat-form', class: 'chat-form', novalidate: true },
    h('label', { for: 'chat-input', class: 'visually-hidden' }, 'Chat message'),
    input, counter, sendButton);
  replace(root,
    h('div', { class: 'chat-head' }, h('h2', null, 'Chat'), viewers),
    h('div', { class: 'chat-body' }, log, newBelow),
    status, form, modHost);

  const client = new ChatClient(room, options.auth, { keep: options.keep });
  const view = new ChatLogView(log, {
    onNewBelow: (count) => {
      newBelow.hidden = count === 0;
      newBelow.textContent = count === 1 ? '1 new message' : `${count} new messages`;
    },
    onAction: (action, message) => void moderate(action, message),
  });
  newBelow.addEventListener('click', () => view.scrollToBottom());
  options.emotes.then((emotes) => view.setEmotes(emotes)).catch(() => {});

  let maxLength = 500;
  let connection = 'connecting';
  /** @type {string | null} */
  let connectionNote = null;
  /** transient error text, or a countdown (`until` epoch ms, `words` builds the text) */
  /** @type {{code?: string, text?: string, until?: number, words?: (seconds: number) => string} | null} */
  let transient = null;
  /** @type {string | null} */
  let owner = null;
  /** @type {ReturnType<typeof setInterval> | undefined} */
  let ticker;
  let shownStatus = '';
  /** @type {ReturnType<typeof mountModTools> | null} */
  let modTools = null;

  const me = () => options.user();
  const canModerate = () => {
    const user = me();
    if (!user) return false;
    const name = user.username.toLowerCase();
    return user.roles.includes('admin') || user.roles.includes('moderator')
      || (owner !== null && owner.toLowerCase() === name) || client.state.moderators.includes(name);
  };

  function renderStatus() {
    const now = Date.now();
    const state = client.state;
    /** @type {(Node | string)[]} */
    let words = [];
    const blocker = postBlocker(state, now);
    if (transient && transient.until !== undefined && transient.until <= now) transient = null;
    if (connection === 'connecting' && connectionNote === null && state.epoch === null) words = ['Connecting to chat…'];
    else if (connectionNote) words = [connectionNote];
    else if (transient) words = [transient.words && transient.until ? transient.words(Math.ceil((transient.until - now) / 1000)) : (transient.text ?? '')];
    else if (blocker === 'anonymous') {
      // In members-only mode the reason matters: signing in is what lets the viewer chat.
      words = [h('a', { href: `/login?next=${encodeURIComponent(location.pathname)}` }, 'Sign in to chat')];
      if (state.settings.membersOnly) words.unshift('Members-only mode: ');
    }
    else if (blocker === 'banned') words = ['You are banned from this chat'];
    else if (blocker === 'timed_out') words = [`You are timed out until ${clock(state.timedOutUntil)}`];
    else if (blocker === 'room_closed') words = ['This chat is closed'];
    else if (state.settings.emoteOnly) words = ['Emote-only mode'];
    else if (state.settings.membersOnly) words = ['Members-only mode'];
    else if (state.settings.slowSeconds > 0) words = [`Slow mode: one message every ${state.settings.slowSeconds} s`];
    const key = words.map((w) => (typeof w === 'string' ? w : w.textContent)).join('');
    if (key !== shownStatus) {
      shownStatus = key;
      replace(status, ...words);
    }
    status.classList.toggle('error', !!transient || blocker === 'banned' || blocker === 'timed_out');
    const canPost = blocker === null && connection === 'open';
    input.disabled = blocker !== null;
    sendButton.disabled = !canPost || input.value.trim() === '';
    const needsTick = (transient?.until ?? 0) > now || state.timedOutUntil > now;
    if (needsTick && !ticker) ticker = setInterval(renderStatus, 1000);
    if (!needsTick && ticker) {
      clearInterval(ticker);
      ticker = undefined;
    }
  }

  function renderCounter() {
    const length = [...input.value].length;
    counter.textContent = `${length}/${maxLength}`;
    counter.classList.toggle('over', length > maxLength);
    counter.hidden = length < maxLength * 0.8;
    renderStatus();
  }

  /** @param {any} error */
  function showError(error) {
    const text = describeError(error, { maxMessageLength: maxLength, signedIn: me() !== null });
    if (error.retryAfterMs && (error.code === 'slow_mode' || error.code === 'rate_limited')) {
      const code = error.code;
      transient = { code, until: Date.now() + error.retryAfterMs, words: (s) => describeError({ code, retryAfterMs: s * 1000 }) };
    } else if (error.code === 'timed_out' || error.code === 'banned') {
      transient = null; // lasting: the state says it (with the local time)
    } else {
      transient = { text, until: Date.now() + 8000 };
    }
    renderStatus();
  }

  /** @param {string} action @param {import('./state.js').Message} message */
  async function moderate(action, message) {
    try {
      if (action === 'delete') await client.mod('delete', { offset: message.offset });
      else if (action === 'timeout') await client.mod('timeout', { user: message.author.name, seconds: modTools?.timeoutSeconds() ?? 600 });
      else if (action === 'ban') await client.mod('ban', { user: message.author.name });
    } catch (error) {
      showError(error);
    }
  }

  function refreshModerator() {
    const allowed = canModerate();
    view.setModerator(allowed);
    if (allowed && !modTools) {
      modTools = mountModTools(modHost, {
        mod: (action, fields) => client.mod(action, fields).catch((error) => showError(error)),
      });
    }
    if (!allowed && modTools) {
      modTools = null;
      modHost.replaceChildren();
    }
    modTools?.reflect(client.state.settings);
  }

  function adoptUser() {
    const user = me();
    setPeople(client.state, client.state.moderators, user ? user.username : null);
    view.show(client.state);
    refreshModerator();
    renderStatus();
  }

  client.addEventListener('welcome', (event) => {
    const welcome = /** @type {CustomEvent} */ (event).detail;
    maxLength = welcome.limits?.maxMessageLength ?? maxLength;
    input.maxLength = maxLength * 2; // the counter says when it is too long; the server is the judge
    renderCounter();
  });
  // Many frames a second (a busy room) change the state; the panel redraws once per animation frame.
  let panelFrame = 0;
  client.addEventListener('change', () => {
    view.show(client.state);
    if (!panelFrame) panelFrame = requestAnimationFrame(drawPanel);
  });
  function drawPanel() {
    panelFrame = 0;
    const state = client.state;
    if (transient?.code === 'slow_mode' && state.settings.slowSeconds === 0) transient = null; // slow mode is off now
    view.show(state);
    viewers.textContent = state.viewers === null ? '' : `${state.viewers.toLocaleString()} in chat`;
    refreshModerator();
    renderStatus();
  }
  client.addEventListener('status', (event) => {
    const detail = /** @type {CustomEvent} */ (event).detail;
    connection = detail.connection;
    connectionNote = detail.message ?? (connection === 'connecting' && client.state.epoch !== null ? 'Reconnecting…' : null);
    renderStatus();
  });
  client.addEventListener('error', (event) => showError(/** @type {CustomEvent} */ (event).detail));
  client.addEventListener('ack', () => {
    const slow = client.state.settings.slowSeconds;
    if (slow > 0 && !canModerate()) transient = { code: 'slow_mode', until: Date.now() + slow * 1000, words: (s) => describeError({ code: 'slow_mode', retryAfterMs: s * 1000 }) };
    renderStatus();
  });
  client.addEventListener('stream', (event) => options.onStream?.(/** @type {CustomEvent} */ (event).detail));

  input.addEventListener('input', renderCounter);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    if ([...text].length > maxLength) {
      showError({ code: 'message_too_long' });
      return;
    }
    client.send(text).catch(() => {}); // errors arrive as 'error' events too
    input.value = '';
    renderCounter();
    view.scrollToBottom();
  });

  // Who moderates (the owner and the room's moderators) matters only to a signed-in user: anonymous viewers skip it.
  let infoFor = /** @type {string | null} */ (null);
  function loadRoomInfo() {
    const user = me();
    if (!user || infoFor === user.username) return;
    infoFor = user.username;
    options.roomInfo(room).then((info) => {
      owner = typeof info?.owner === 'string' ? info.owner : null;
      const current = me();
      setPeople(client.state, Array.isArray(info?.moderators) ? info.moderators : [], current ? current.username : null);
      refreshModerator();
    }).catch(() => {
      infoFor = null;
    });
  }

  let lastUser = /** @type {string | null | undefined} */ (undefined);
  options.onUserChange((user) => {
    const name = user ? user.username : null;
    adoptUser();
    loadRoomInfo();
    if (lastUser !== undefined && name !== lastUser) client.reconnectNow(); // signed in or out: another identity
    lastUser = name;
  });

  renderCounter();
  client.start();
  return client;
}
