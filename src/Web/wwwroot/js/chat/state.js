// @ts-check
// The chat room as this client knows it, with no DOM and no I/O: `joined` (history or recovery), live `message`
// frames, `mod_event`s, `presence` and our own `error`s are applied here, so the merge rules are unit-tested in the
// browser without a socket. Every message is identified by its offset (per room, assigned by the room's single
// writer): a frame at an offset we hold is a duplicate, whatever else it says.

/** @typedef {{id: string | null, name: string, deleted?: boolean}} Author */
/** @typedef {{offset: number, id: string, author: Author, text: string, time: string, deleted?: boolean}} Message */
/** @typedef {{slowSeconds: number, membersOnly: boolean, emoteOnly: boolean, anonymousRead: boolean, historyRetention?: number}} Settings */
/**
 * @typedef {object} RoomState
 * @property {string} room
 * @property {number} keep              most messages kept (the view shows them all)
 * @property {string | null} epoch      the room's history this state belongs to
 * @property {number} lastOffset        the latest offset seen (the recovery point)
 * @property {Message[]} messages       visible messages, oldest first, at most `keep`
 * @property {Set<number>} deleted      offsets deleted before or after we saw them (bounded)
 * @property {number} clearedThrough    messages at or below this offset were cleared
 * @property {Settings} settings
 * @property {number | null} viewers
 * @property {string[]} moderators      lowercase usernames
 * @property {string | null} me         our username, lowercase; null when anonymous
 * @property {boolean} banned           we are banned here
 * @property {number} timedOutUntil     epoch ms; 0 when not timed out
 * @property {boolean} closed           an administrator closed the room
 * @property {number} version           increases on every visible change (the view redraws when it moved)
 */

/** @type {Settings} */
const defaultSettings = { slowSeconds: 0, membersOnly: false, emoteOnly: false, anonymousRead: true };

/**
 * @param {string} room
 * @param {{keep?: number, me?: string | null}} [options]
 * @returns {RoomState}
 */
export function createRoomState(room, options = {}) {
  return {
    room,
    keep: options.keep ?? 200,
    epoch: null,
    lastOffset: 0,
    messages: [],
    deleted: new Set(),
    clearedThrough: 0,
    settings: { ...defaultSettings },
    viewers: null,
    moderators: [],
    me: options.me ? options.me.toLowerCase() : null,
    banned: false,
    timedOutUntil: 0,
    closed: false,
    version: 0,
  };
}

/**
 * The `recover` field of our next `join`, or null for a first join.
 * @param {RoomState} state
 */
export function recoveryPoint(state) {
  return state.epoch === null ? null : { epoch: state.epoch, offset: state.lastOffset };
}

/**
 * Applies one server frame for this room. Returns true when something visible changed. Frames of other rooms and
 * types this module does not keep state for are ignored.
 * @param {RoomState} state
 * @param {any} frame
 * @param {number} [now] epoch ms (for timeouts)
 * @returns {boolean}
 */
export function applyFrame(state, frame, now = Date.now()) {
  if (!frame || typeof frame !== 'object' || (frame.room !== undefined && frame.room !== state.room)) return false;
  let changed = false;
  switch (frame.type) {
    case 'joined': changed = applyJoined(state, frame); break;
    case 'message': changed = applyMessage(state, frame); break;
    case 'mod_event': changed = applyModEvent(state, frame, now); break;
    case 'presence':
      if (typeof frame.count === 'number' && frame.count !== state.viewers) {
        state.viewers = frame.count;
        changed = true;
      }
      break;
    case 'left':
      if (frame.reason === 'room_closed') {
        state.closed = true;
        changed = true;
      }
      break;
    case 'error': changed = applyError(state, frame, now); break;
    default: return false;
  }
  if (changed) state.version++;
  return changed;
}

/** @param {RoomState} state @param {any} frame */
function applyJoined(state, frame) {
  const incoming = Array.isArray(frame.messages) ? frame.messages.filter(isMessage) : [];
  const sameHistory = state.epoch !== null && frame.epoch === state.epoch;
  if (!sameHistory || frame.recovered !== true) {
    // First join, another epoch (history was lost: our offsets mean nothing there) or a gap beyond retention:
    // the tail replaces what we had, since what we held can no longer be proven contiguous with it.
    state.messages = [];
    if (!sameHistory) {
      state.deleted.clear();
      state.clearedThrough = 0;
      state.lastOffset = 0;
    }
  }
  state.epoch = typeof frame.epoch === 'string' ? frame.epoch : state.epoch;
  for (const message of incoming) insert(state, message);
  if (typeof frame.offset === 'number') state.lastOffset = sameHistory ? Math.max(state.lastOffset, frame.offset) : frame.offset;
  if (frame.settings) state.settings = { ...state.settings, ...frame.settings };
  if (frame.presence && typeof frame.presence.count === 'number') state.viewers = frame.presence.count;
  state.closed = false;
  // A join succeeded, so we are not banned here (a banned user cannot join).
  state.banned = false;
  return true;
}

/** @param {RoomState} state @param {any} frame */
function applyMessage(state, frame) {
  if (!isMessage(frame)) return false;
  if (typeof frame.epoch === 'string' && state.epoch !== null && frame.epoch !== state.epoch) return false; // another history: rejoin decides
  const added = insert(state, { offset: frame.offset, id: frame.id, author: frame.author, text: frame.text, time: frame.time });
  state.lastOffset = Math.max(state.lastOffset, frame.offset);
  return added;
}

/**
 * Inserts a message in offset order unless we hold its offset already, it was deleted or cleared, or it is older
 * than everything we keep once the cap is reached.
 * @param {RoomState} state
 * @param {Message} message
 */
function insert(state, message) {
  if (state.deleted.has(message.offset) || message.offset <= state.clearedThrough) return false;
  const list = state.messages;
  let at = list.length;
  // Messages nearly always come in order: search from the end.
  while (at > 0 && list[at - 1].offset > message.offset) at--;
  if (at > 0 && list[at - 1].offset === message.offset) return false; // duplicate
  if (list.length >= state.keep && at === 0) return false; // older than the window we show
  list.splice(at, 0, { ...message, deleted: false });
  if (list.length > state.keep) list.splice(0, list.length - state.keep);
  return true;
}

/** @param {RoomState} state @param {any} frame @param {number} now */
function applyModEvent(state, frame, now) {
  const user = typeof frame.user === 'string' ? frame.user.toLowerCase() : null;
  switch (frame.action) {
    case 'delete': {
      if (typeof frame.offset !== 'number') return false;
      state.deleted.add(frame.offset);
      if (state.deleted.size > 4 * state.keep) state.deleted.delete(state.deleted.values().next().value ?? 0);
      const message = state.messages.find((m) => m.offset === frame.offset);
      if (!message || message.deleted) return false;
      message.deleted = true;
      message.text = '';
      return true;
    }
    case 'clear': {
      // `offset` is the last offset the clear hides; without it, everything we hold.
      const through = typeof frame.offset === 'number' ? frame.offset : state.lastOffset;
      state.clearedThrough = Math.max(state.clearedThrough, through);
      const before = state.messages.length;
      state.messages = state.messages.filter((m) => m.offset > through);
      return state.messages.length !== before;
    }
    case 'timeout':
      if (user !== null && user === state.me && typeof frame.seconds === 'number') {
        state.timedOutUntil = now + frame.seconds * 1000;
        return true;
      }
      return false;
    case 'ban':
      if (user !== null && user === state.me) {
        state.banned = true;
        return true;
      }
      return false;
    case 'unban':
      if (user !== null && user === state.me) {
        state.banned = false;
        state.timedOutUntil = 0;
        return true;
      }
      return false;
    case 'slow': return setSetting(state, 'slowSeconds', Number(frame.seconds) || 0);
    case 'members_only': return setSetting(state, 'membersOnly', frame.enabled === true);
    case 'emote_only': return setSetting(state, 'emoteOnly', frame.enabled === true);
    case 'settings': {
      let changed = false;
      if (typeof frame.anonymousRead === 'boolean') changed = setSetting(state, 'anonymousRead', frame.anonymousRead) || changed;
      if (typeof frame.historyRetention === 'number') changed = setSetting(state, 'historyRetention', frame.historyRetention) || changed;
      return changed;
    }
    case 'add_moderator':
      if (user !== null && !state.moderators.includes(user)) {
        state.moderators = [...state.moderators, user];
        return true;
      }
      return false;
    case 'remove_moderator':
      if (user !== null && state.moderators.includes(user)) {
        state.moderators = state.moderators.filter((m) => m !== user);
        return true;
      }
      return false;
    case 'close':
      state.closed = true;
      return true;
    case 'open':
      state.closed = false;
      return true;
    default:
      return false;
  }
}

/**
 * Our own errors that say something lasting about us in this room.
 * @param {RoomState} state @param {any} frame @param {number} now
 */
function applyError(state, frame, now) {
  switch (frame.code) {
    case 'banned':
      if (state.banned) return false;
      state.banned = true;
      return true;
    case 'timed_out':
      if (typeof frame.retryAfterMs !== 'number') return false;
      state.timedOutUntil = now + frame.retryAfterMs;
      return true;
    case 'room_closed':
      state.closed = true;
      return true;
    default:
      return false;
  }
}

/**
 * @template {keyof Settings} K
 * @param {RoomState} state @param {K} key @param {Settings[K]} value
 */
function setSetting(state, key, value) {
  if (state.settings[key] === value) return false;
  state.settings = { ...state.settings, [key]: value };
  return true;
}

/** @param {any} m @returns {m is Message} */
function isMessage(m) {
  return !!m && Number.isSafeInteger(m.offset) && m.offset > 0 && typeof m.text === 'string' && !!m.author && typeof m.author.name === 'string';
}

/**
 * Sets the moderators list (from `GET /api/rooms/{room}`) and who we are.
 * @param {RoomState} state @param {string[]} moderators @param {string | null} me
 */
export function setPeople(state, moderators, me) {
  state.moderators = moderators.map((m) => m.toLowerCase());
  state.me = me ? me.toLowerCase() : null;
  state.version++;
}

/**
 * Whether we may post now, and if not why (a code of the protocol's error table).
 * @param {RoomState} state @param {number} [now]
 * @returns {null | 'anonymous' | 'banned' | 'timed_out' | 'room_closed' | 'forbidden'}
 */
export function postBlocker(state, now = Date.now()) {
  if (state.me === null) return 'anonymous';
  if (state.closed) return 'room_closed';
  if (state.banned) return 'banned';
  if (state.timedOutUntil > now) return 'timed_out';
  return null;
}
