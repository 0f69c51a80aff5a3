// @ts-check
// One chat WebSocket for one room (docs/chat-protocol.md): welcome, join with history, then live frames; recovery by
// {epoch, offset} after every reconnect (the state dedups by offset, so nothing repeats and nothing is missed),
// token refresh in place, the close codes' advice, and sends that survive a reconnect (resent with the same
// clientId: the server acks a resend as a duplicate and posts nothing).
import { applyFrame, createRoomState, recoveryPoint } from './state.js';
import { Backoff } from './backoff.js';

/**
 * @typedef {object} ChatAuth
 * @property {() => Promise<string | null>} token        the current access token, or null (anonymous)
 * @property {() => Promise<string | null>} freshToken   a newly refreshed access token, or null
 * @property {(reason: string) => void} signedOut        the server revoked the session (and a refresh failed) or disabled the account
 */

/**
 * Events (CustomEvent detail):
 * - `change`  the room state changed (render it)
 * - `status`  {connection: 'connecting' | 'open' | 'closed', message?: string}
 * - `welcome` the welcome frame (user, limits)
 * - `error`   an error frame ({code, message, retryAfterMs, ref, clientId?})
 * - `stream`  a stream frame ({live, title, time})
 * - `ack`     an ack frame
 */
export class ChatClient extends EventTarget {
  /**
   * @param {string} room
   * @param {ChatAuth} auth
   * @param {{keep?: number, url?: string, pingIntervalMs?: number}} [options]
   */
  constructor(room, auth, options = {}) {
    super();
    this.room = room;
    this.auth = auth;
    this.url = options.url ?? `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
    this.pingIntervalMs = options.pingIntervalMs ?? 20_000;
    this.state = createRoomState(room, { keep: options.keep });
    /** @type {WebSocket | null} */
    this.socket = null;
    /** @type {any} */
    this.welcome = null;
    this.joined = false;
    this.stopped = false;
    this.backoff = new Backoff({ baseMs: 500, maxMs: 30_000 });
    /** @type {Map<string, {clientId: string, text: string, ref: string}>} sends not acknowledged yet, in order */
    this.pending = new Map();
    /** @type {Map<string, {resolve: (v: any) => void, reject: (e: any) => void}>} */
    this.waiting = new Map();
    this.nextRef = 1;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.retryTimer = undefined;
    /** @type {ReturnType<typeof setInterval> | undefined} */
    this.pingTimer = undefined;
    this.awaitingPong = false;
    this.hadToken = false;
    /** @type {string | null} */
    this.joinRef = null;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.rejoinTimer = undefined;
    /** anonymous from now on (the session ended) */
    this.anonymous = false;
    this.onOnline = () => {
      if (!this.stopped && (!this.socket || this.socket.readyState !== WebSocket.OPEN)) this.reconnectNow();
      else this.probe();
    };
  }

  /** Opens the socket; reconnects by itself until stop(). */
  start() {
    this.stopped = false;
    window.addEventListener('online', this.onOnline);
    void this.connect();
  }

  stop() {
    this.stopped = true;
    window.removeEventListener('online', this.onOnline);
    clearTimeout(this.retryTimer);
    clearInterval(this.pingTimer);
    this.socket?.close(1000);
    this.socket = null;
  }

  /** Reconnects as whoever the session now says (after sign-in or sign-out). */
  reconnectNow() {
    this.anonymous = false;
    this.backoff.reset();
    clearTimeout(this.retryTimer);
    const old = this.socket;
    this.socket = null;
    if (old) {
      old.onclose = null;
      old.close(1000);
    }
    void this.connect();
  }

  async connect() {
    if (this.stopped) return;
    this.status('connecting');
    let token = null;
    try {
      token = this.anonymous ? null : await this.auth.token();
    } catch {
      token = null;
    }
    if (this.stopped || this.socket) return;
    const socket = new WebSocket(token ? `${this.url}?access_token=${encodeURIComponent(token)}` : this.url);
    this.socket = socket;
    this.joined = false;
    this.hadToken = token !== null;
    socket.onmessage = (event) => {
      if (this.socket !== socket) return;
      const data = typeof event.data === 'string' ? event.data : '';
      // The server may coalesce frames into one message, one JSON object per line.
      for (const line of data.split('\n')) {
        if (!line) continue;
        let frame;
        try {
          frame = JSON.parse(line);
        } catch {
          continue;
        }
        this.onFrame(frame);
      }
    };
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.joined = false;
      clearInterval(this.pingTimer);
      this.onClose(event.code, event.reason);
    };
  }

  /** @param {any} frame */
  onFrame(frame) {
    switch (frame.type) {
      case 'welcome':
        this.welcome = frame;
        this.emit('welcome', frame);
        this.sendJoin();
        return;
      case 'joined':
        if (frame.room !== this.room) return;
        this.joined = true;
        this.backoff.reset();
        this.apply(frame);
        this.status('open');
        this.startPings();
        // Sends that were in flight when the socket dropped go again with their clientId.
        for (const send of this.pending.values()) this.sendFrame({ type: 'send', room: this.room, text: send.text, clientId: send.clientId, ref: send.ref });
        return;
      case 'ack':
        if (frame.clientId) this.pending.delete(frame.clientId);
        this.settle(frame.ref, frame);
        this.emit('ack', frame);
        return;
      case 'mod_ok':
        this.settle(frame.ref, frame);
        return;
      case 'error':
        this.onError(frame);
        return;
      case 'token_expiring':
        void this.refreshInPlace();
        return;
      case 'refreshed':
        return;
      case 'pong':
        this.awaitingPong = false;
        return;
      case 'stream':
        if (frame.room === this.room) this.emit('stream', frame);
        return;
      case 'left':
        this.apply(frame);
        if (frame.reason === 'room_closed') {
          this.joined = false;
          this.status('closed', 'This chat is closed' + (frame.message ? `: ${frame.message}` : ''));
          // Members are not told when the room opens again: look about once a minute.
          this.rejoinLater(60_000 * (0.75 + Math.random() / 2));
        }
        return;
      default:
        this.apply(frame);
    }
  }

  /** Joins the room: with the recovery point once we have one, so only what we missed comes back. */
  sendJoin() {
    const recover = recoveryPoint(this.state);
    this.joinRef = `j${this.nextRef++}`;
    this.sendFrame({ type: 'join', room: this.room, history: 50, ...(recover ? { recover } : {}), ref: this.joinRef });
  }

  /** Tries the join again later on the same socket (the room did not answer, or it was closed). @param {number} delayMs */
  rejoinLater(delayMs) {
    const socket = this.socket;
    clearTimeout(this.rejoinTimer);
    this.rejoinTimer = setTimeout(() => {
      if (this.socket === socket && !this.joined && !this.stopped) this.sendJoin();
    }, delayMs);
  }

  /** @param {any} frame */
  apply(frame) {
    if (applyFrame(this.state, frame)) this.emit('change', this.state);
  }

  /** @param {any} frame */
  onError(frame) {
    const send = frame.ref ? this.findPendingByRef(frame.ref) : null;
    if (frame.code === 'unavailable' && send) {
      // Safe to retry with the same clientId.
      setTimeout(() => this.sendFrame({ type: 'send', room: this.room, text: send.text, clientId: send.clientId, ref: frame.ref }), 1000);
      this.emit('error', frame);
      return;
    }
    if (send) this.pending.delete(send.clientId);
    this.apply(frame);
    this.settle(frame.ref, null, frame);
    this.emit('error', frame);
    if (!this.joined && frame.ref !== undefined && frame.ref === this.joinRef) {
      if (frame.code === 'unavailable') {
        this.rejoinLater(this.backoff.next());
      } else if (frame.code === 'room_closed') {
        this.status('closed');
        this.rejoinLater(60_000 * (0.75 + Math.random() / 2));
      } else {
        // Refused (no such room, members only, banned): nothing to retry until something changes (sign-in).
        this.status('closed');
      }
    }
  }

  /** @param {string} ref */
  findPendingByRef(ref) {
    for (const send of this.pending.values()) if (send.ref === ref) return send;
    return null;
  }

  /** @param {number} code @param {string} reason */
  onClose(code, reason) {
    if (this.stopped) return;
    let atLeast = 0;
    switch (code) {
      case 4001:
        if (reason === 'session_revoked') {
          // Revoked sessions include this browser's own after a password change made in another tab: that tab's
          // refresh cookie is still good, so try one refresh before signing out.
          this.status('connecting');
          void this.afterRevocation();
          return;
        } else {
          void this.auth.freshToken().catch(() => null); // the next connect picks it up
        }
        break;
      case 4003:
        this.anonymous = true;
        this.auth.signedOut('account_disabled');
        this.status('connecting', 'Your account is disabled');
        break;
      case 4029:
        atLeast = 30_000; // abuse: stay away a while
        break;
      default:
        // 1001 going away, 1011, 4008 slow consumer, 1006 network: reconnect and recover by offset.
        if (this.hadToken && code === 1006 && this.backoff.attempt > 0) {
          // Refused before the upgrade twice in a row: maybe our token is no longer good.
          void this.auth.freshToken().catch(() => null);
        }
    }
    const delay = code === 4001 && reason !== 'session_revoked' ? 0 : this.backoff.next(atLeast);
    this.status('connecting', delay > 2000 ? `Reconnecting in ${Math.round(delay / 1000)} s` : undefined);
    this.retryTimer = setTimeout(() => void this.connect(), delay);
  }

  /** One session refresh after a 4001 `session_revoked`: back with the fresh token, or signed out and anonymous. */
  async afterRevocation() {
    const token = await this.auth.freshToken().catch(() => null);
    if (this.stopped || this.socket) return;
    if (!token) {
      this.anonymous = true;
      this.auth.signedOut('session_revoked');
    }
    const delay = this.backoff.next();
    this.status('connecting', token ? undefined : 'You were signed out');
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.connect(), delay);
  }

  async refreshInPlace() {
    const token = await this.auth.freshToken().catch(() => null);
    if (token) this.sendFrame({ type: 'refresh', accessToken: token });
  }

  startPings() {
    clearInterval(this.pingTimer);
    this.awaitingPong = false;
    this.pingTimer = setInterval(() => this.probe(), this.pingIntervalMs);
  }

  /** A connection that lost its path (network change) does not say so: a ping without pong within 10 s closes it. */
  probe() {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) return;
    if (this.awaitingPong) return;
    this.awaitingPong = true;
    this.sendFrame({ type: 'ping' });
    setTimeout(() => {
      if (this.awaitingPong && this.socket === socket) {
        this.awaitingPong = false;
        this.socket = null;
        socket.onclose = null;
        socket.close();
        this.onClose(1006, 'no pong');
      }
    }, 10_000);
  }

  /**
   * Posts a message. Resolves with the ack, rejects with the error frame. The send is kept until acked and resent
   * with the same clientId after a reconnect.
   * @param {string} text
   */
  send(text) {
    const clientId = `m-${crypto.randomUUID()}`;
    const ref = String(this.nextRef++);
    const send = { clientId, text, ref };
    this.pending.set(clientId, send);
    const answer = this.expect(ref);
    if (this.joined) this.sendFrame({ type: 'send', room: this.room, text, clientId, ref });
    return answer;
  }

  /**
   * A moderation action (docs/chat-protocol.md "Moderation actions"). Resolves with mod_ok, rejects with the error.
   * @param {string} action @param {Record<string, any>} [fields]
   */
  mod(action, fields = {}) {
    const ref = String(this.nextRef++);
    const answer = this.expect(ref);
    if (!this.sendFrame({ type: 'mod', room: this.room, action, ...fields, ref })) {
      this.settle(ref, null, { code: 'unavailable', message: 'not connected' });
    }
    return answer;
  }

  /** @param {string} ref */
  expect(ref) {
    return new Promise((resolve, reject) => this.waiting.set(ref, { resolve, reject }));
  }

  /** @param {string | undefined} ref @param {any} value @param {any} [error] */
  settle(ref, value, error) {
    if (!ref) return;
    const waiter = this.waiting.get(ref);
    if (!waiter) return;
    this.waiting.delete(ref);
    if (error) waiter.reject(error);
    else waiter.resolve(value);
  }

  /** @param {any} frame */
  sendFrame(frame) {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) return false;
    socket.send(JSON.stringify(frame));
    return true;
  }

  /** @param {'connecting' | 'open' | 'closed'} connection @param {string} [message] */
  status(connection, message) {
    this.emit('status', { connection, message });
  }

  /** @param {string} type @param {any} detail */
  emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}
