// @ts-check
// The watch page /c/{channel}: the WHEP player starts first (navigation to first frame is the budget: nothing waits
// for the session or the chat unless the channel turns out to be private), then the header, the channel's status
// (title, offline card) and the chat, whose `stream` events start and stop the player.
import { h, $, replace } from '../dom.js';
import { mountPlayer } from '../player/player-view.js';
import { mountLayout } from '../layout.js';
import { api, currentUser, onSessionChange, restore, token, dropSession } from '../session.js';
import { mountChat } from '../chat/panel.js';

const channel = decodeURIComponent(location.pathname.split('/')[2] ?? '').trim();
document.title = `${channel} · CommunityStream`;

const playerRoot = h('div', { id: 'player', class: 'player' });
const title = h('h1', { id: 'stream-title', class: 'stream-title' }, channel);
const live = h('span', { class: 'badge-live', hidden: true }, 'LIVE');
// Video viewers on every node (WHEP sessions), as the home page counts them; the chat panel counts the chat room.
const watching = h('span', { id: 'stream-viewers', class: 'stream-viewers', hidden: true }, '');
const chatRoot = h('aside', { id: 'chat', class: 'chat-panel', 'aria-label': 'Chat' });
replace($('#main'),
  h('div', { class: 'watch' },
    h('section', { class: 'watch-video', 'aria-label': 'Video' },
      playerRoot,
      h('div', { class: 'stream-info' }, live, title, h('span', { class: 'channel-name' }, channel), watching)),
    chatRoot));

/** @param {boolean} force */
const viewerToken = async (force) => {
  if (force) await restore();
  return token();
};
const { player, setTitle } = mountPlayer(playerRoot, { channel, token: viewerToken });
player.addEventListener('state', (event) => {
  const wasLive = !live.hidden;
  live.hidden = /** @type {CustomEvent} */ (event).detail.state !== 'live';
  clearTimeout(viewersTimer);
  // The server's stream list counts a new viewer within about 2 s: ask after that, not at once.
  if (!live.hidden && !wasLive) viewersTimer = setTimeout(refreshViewers, 2500);
  else void refreshViewers();
});

/** @type {ReturnType<typeof setTimeout> | undefined} */
let viewersTimer;
/** While live and visible: the stream's viewer count every 10 s (the server's list refreshes every 2 s). */
async function refreshViewers() {
  clearTimeout(viewersTimer);
  if (live.hidden) {
    watching.hidden = true;
    return;
  }
  if (document.hidden) return;
  try {
    const response = await fetch(`/api/streams/${encodeURIComponent(channel)}`, { credentials: 'same-origin' });
    if (response.ok) {
      const stream = await response.json();
      player.setStatus(stream);
      // This page's own player is one of them, whatever the list said a moment ago.
      const viewers = Math.max(1, Number(stream.viewers) || 0);
      watching.textContent = `${viewers.toLocaleString()} watching`;
      watching.hidden = !stream.live || live.hidden;
    }
  } catch {
    // offline: the next tick tries again
  }
  viewersTimer = setTimeout(refreshViewers, 10_000);
}
document.addEventListener('visibilitychange', () => void refreshViewers());
player.start();

/** @param {string | null | undefined} text */
function showTitle(text) {
  title.textContent = text || channel;
  setTitle(text);
}

fetch(`/api/streams/${encodeURIComponent(channel)}`, { credentials: 'same-origin' })
  .then(async (response) => {
    if (response.status === 404) {
      showTitle(null);
      title.textContent = `${channel}: no such channel`;
      return;
    }
    if (!response.ok) return;
    const stream = await response.json();
    player.setStatus(stream);
    showTitle(stream.title);
  })
  .catch(() => {});

await mountLayout({ current: location.pathname });

const emotes = api('/api/emotes', { anonymous: true })
  .then((list) => new Map((Array.isArray(list) ? list : []).map((e) => [String(e.name), String(e.url)])))
  .catch(() => new Map());

mountChat(chatRoot, {
  room: channel.toLowerCase(),
  auth: {
    token,
    freshToken: async () => {
      await restore();
      return token();
    },
    signedOut: () => dropSession(),
  },
  user: () => currentUser(),
  onUserChange: (listener) => void onSessionChange(listener),
  emotes,
  roomInfo: (room) => api(`/api/rooms/${encodeURIComponent(room)}`),
  onStream: (frame) => {
    if (typeof frame.title === 'string') showTitle(frame.title);
    player.setLive(frame.live === true);
  },
});
