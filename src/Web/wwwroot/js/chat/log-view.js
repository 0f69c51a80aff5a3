// @ts-check
// The chat log in the DOM: a view of the room state's messages (at most `keep`), redrawn at most once per animation
// frame however many frames arrived, so 50 messages a second cost one DOM pass per frame and the list never grows
// past the cap. It sticks to the bottom only while the reader is there; otherwise a button counts what is new.
import { h } from '../dom.js';
import { parseText } from './text.js';

/** @typedef {import('./state.js').RoomState} RoomState */
/** @typedef {import('./state.js').Message} Message */

export class ChatLogView {
  /**
   * @param {HTMLElement} list the `ol#chat-log`
   * @param {{emotes?: Map<string, string>, onNewBelow?: (count: number) => void, onAction?: (action: string, message: Message) => void}} [options]
   */
  constructor(list, options = {}) {
    this.list = list;
    this.emotes = options.emotes ?? new Map();
    this.onNewBelow = options.onNewBelow ?? (() => {});
    this.onAction = options.onAction ?? (() => {});
    /** @type {Map<number, {li: HTMLLIElement, deleted: boolean, message: Message}>} */
    this.rendered = new Map();
    /** @type {RoomState | null} */
    this.state = null;
    this.drawnVersion = -1;
    this.canModerate = false;
    this.mode = '';
    this.frame = 0;
    this.stick = true;
    this.unseen = 0;
    list.addEventListener('scroll', () => {
      this.stick = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
      if (this.stick && this.unseen) {
        this.unseen = 0;
        this.onNewBelow(0);
      }
    }, { passive: true });
    list.addEventListener('click', (event) => {
      const button = /** @type {Element} */ (event.target).closest('button[data-action]');
      const li = button?.closest('li.chat-message');
      const entry = li ? this.rendered.get(Number(li.getAttribute('data-offset'))) : null;
      if (button && entry) this.onAction(button.getAttribute('data-action') ?? '', entry.message);
    });
  }

  /** @param {Map<string, string>} emotes */
  setEmotes(emotes) {
    this.emotes = emotes;
    this.redrawAll();
  }

  /** @param {boolean} canModerate */
  setModerator(canModerate) {
    if (canModerate === this.canModerate) return;
    this.canModerate = canModerate;
    this.redrawAll();
  }

  redrawAll() {
    for (const { li } of this.rendered.values()) li.remove();
    this.rendered.clear();
    this.drawnVersion = -1;
    if (this.state) this.show(this.state);
  }

  /**
   * Schedules a redraw of `state` at the next animation frame (coalescing any number of calls).
   * @param {RoomState} state
   */
  show(state) {
    this.state = state;
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.flush();
    });
  }

  /** Draws the latest state now. */
  flush() {
    const state = this.state;
    if (!state) return;
    const mode = `${state.me ?? ''}|${this.canModerate}`;
    if (mode !== this.mode) {
      this.mode = mode;
      for (const { li } of this.rendered.values()) li.remove();
      this.rendered.clear();
    } else if (state.version === this.drawnVersion) {
      return;
    }
    this.drawnVersion = state.version;
    const wanted = new Set(state.messages.map((m) => m.offset));
    for (const [offset, entry] of this.rendered) {
      if (!wanted.has(offset)) {
        entry.li.remove();
        this.rendered.delete(offset);
      }
    }
    let added = 0;
    /** @type {Element | null} */
    let cursor = this.firstMessage();
    for (const message of state.messages) {
      const entry = this.rendered.get(message.offset);
      if (entry) {
        if (message.deleted && !entry.deleted) {
          this.markDeleted(entry.li);
          entry.deleted = true;
        }
        entry.message = message;
        if (entry.li !== cursor) this.list.insertBefore(entry.li, cursor);
        cursor = nextMessage(entry.li);
      } else {
        const li = this.render(message, state.me);
        this.list.insertBefore(li, cursor);
        this.rendered.set(message.offset, { li, deleted: !!message.deleted, message });
        added++;
      }
    }
    if (this.stick) {
      this.list.scrollTop = this.list.scrollHeight;
    } else if (added) {
      this.unseen += added;
      this.onNewBelow(this.unseen);
    }
  }

  /** Scrolls to the newest message and sticks there again. */
  scrollToBottom() {
    this.stick = true;
    this.unseen = 0;
    this.list.scrollTop = this.list.scrollHeight;
    this.onNewBelow(0);
  }

  firstMessage() {
    let el = this.list.firstElementChild;
    while (el && !el.classList.contains('chat-message')) el = el.nextElementSibling;
    return el;
  }

  /** @param {Message} message @param {string | null} me */
  render(message, me) {
    const parts = message.deleted ? [] : parseText(message.text, this.emotes, me);
    const mentioned = parts.some((p) => p.kind === 'mention' && p.me);
    const author = message.author;
    const li = h('li', {
      class: mentioned ? 'chat-message mention' : 'chat-message',
      'data-offset': message.offset,
      'data-author': author.deleted ? null : author.name,
      title: new Date(message.time).toLocaleTimeString(),
    },
    h('span', { class: author.deleted ? 'author deleted-author' : 'author' }, author.name),
    h('span', { class: 'sep', 'aria-hidden': 'true' }, ': '),
    h('span', { class: 'text' }, parts.map((part) => {
      if (part.kind === 'emote') return h('img', { class: 'emote', src: part.url, alt: `:${part.name}:`, title: `:${part.name}:`, width: 28, height: 28 });
      if (part.kind === 'mention') return h('span', { class: part.me ? 'mention-name me' : 'mention-name' }, `@${part.name}`);
      return part.text;
    })));
    if (this.canModerate && !message.deleted) li.append(this.actions(message));
    if (message.deleted) this.markDeleted(li);
    return li;
  }

  /** @param {Message} message */
  actions(message) {
    const who = message.author.name;
    const canTarget = !message.author.deleted;
    return h('span', { class: 'mod-actions' },
      h('button', { type: 'button', class: 'mod-action', 'data-action': 'delete', 'aria-label': `Delete message from ${who}`, title: 'Delete message' }, 'Delete'),
      canTarget ? h('button', { type: 'button', class: 'mod-action', 'data-action': 'timeout', 'aria-label': `Time out ${who}`, title: 'Time out' }, 'Timeout') : null,
      canTarget ? h('button', { type: 'button', class: 'mod-action', 'data-action': 'ban', 'aria-label': `Ban ${who}`, title: 'Ban' }, 'Ban') : null);
  }

  /** @param {Element} li */
  markDeleted(li) {
    li.setAttribute('data-deleted', 'true');
    li.classList.remove('mention');
    const text = li.querySelector('.text');
    if (text) text.replaceChildren(h('em', null, 'message deleted'));
    li.querySelector('.mod-actions')?.remove();
  }
}

/** @param {Element} el */
function nextMessage(el) {
  let next = el.nextElementSibling;
  while (next && !next.classList.contains('chat-message')) next = next.nextElementSibling;
  return next;
}
