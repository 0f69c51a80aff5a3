// @ts-check
// The WHEP player's connection logic: one RTCPeerConnection at a time, opened as soon as the page starts (the
// first frame is the budget), and opened again whenever it is lost while the channel should be live: ICE failure,
// a network change (`online`), a server restart. WHEP's answers drive it: 201 plays, 404 means offline (wait for the
// chat's `stream` event, or a slow poll), 401 asks for the viewer's token (private channel), 503 waits for
// Retry-After; anything else backs off with jitter. It never loops faster than the backoff allows. What suggests
// WebRTC cannot work here while the server can (503, a session that does not reach `connected` within
// `connectTimeoutMs`, ICE failure) is also announced as a `trouble` event, for the HLS fallback (live-player.js).
import { negotiate, hangUp, SignallingError } from '../webrtc/signalling.js';
import { Backoff } from '../chat/backoff.js';

/** @typedef {'connecting' | 'live' | 'offline' | 'error'} PlayerState */

export class WhepPlayer extends EventTarget {
  /**
   * @param {HTMLVideoElement} video
   * @param {{channel: string, token: (force: boolean) => Promise<string | null>, offlinePollMs?: number, connectTimeoutMs?: number}} options
   */
  constructor(video, options) {
    super();
    this.video = video;
    this.channel = options.channel;
    this.getToken = options.token;
    this.offlinePollMs = options.offlinePollMs ?? 30_000;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 5000;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.connectTimer = undefined;
    /** Once WebRTC has worked on this page, a lost connection is the network's or the server's doing, not a reason for HLS. */
    this.everConnected = false;
    /** @type {PlayerState} */
    this.state = 'connecting';
    this.message = '';
    /** @type {RTCPeerConnection | null} */
    this.pc = null;
    /** @type {string | null} */
    this.session = null;
    /** @type {string | null} */
    this.token = null;
    this.useToken = false;
    this.backoff = new Backoff({ baseMs: 1000, maxMs: 30_000 });
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.timer = undefined;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.disconnectTimer = undefined;
    this.generation = 0;
    this.stopped = false;
    this.expectLiveUntil = 0;
    /** @type {AbortController | null} */
    this.abort = null;
    window.addEventListener('online', () => {
      if (this.state !== 'live') this.connectSoon(0, true);
    });
    // A page going away ends its session now rather than after the server's consent timeout.
    window.addEventListener('pagehide', () => {
      void hangUp(this.session, { keepalive: true, token: this.useToken ? this.token : null });
      this.session = null;
    });
  }

  /** Stops for good: closes the connection and cancels every timer. */
  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    this.teardown();
  }

  /** Starts connecting now (again, after a stop). */
  start() {
    this.stopped = false;
    this.connectSoon(0, true);
  }

  /**
   * What the chat room says about the stream: live → connect now (unless playing); not live → stop and show offline.
   * @param {boolean} live
   */
  setLive(live) {
    if (live) {
      // The stream's entity said live: a 404 in the next seconds is a race with the publisher's node, not offline.
      this.expectLiveUntil = Date.now() + 10_000;
      if (this.state !== 'live' || !this.pc) this.connectSoon(0, true);
    } else {
      this.expectLiveUntil = 0;
      this.teardown();
      this.set('offline');
      this.scheduleOfflinePoll();
    }
  }

  /** @param {number} delayMs @param {boolean} [resetBackoff] */
  connectSoon(delayMs, resetBackoff = false) {
    if (this.stopped) return;
    if (resetBackoff) this.backoff.reset();
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.connect(), delayMs);
  }

  scheduleOfflinePoll() {
    // Without chat (or after a missed event) an offline player still finds the stream: it asks the channel's status
    // (a cheap GET, no peer connection) about every 30 s, and connects when it says live.
    clearTimeout(this.timer);
    this.timer = setTimeout(async () => {
      if (this.stopped) return;
      try {
        const response = await fetch(`/api/streams/${encodeURIComponent(this.channel)}`, { credentials: 'same-origin' });
        const status = response.ok ? await response.json() : null;
        if (this.state !== 'offline') return;
        if (status?.live) this.connectSoon(0, true);
        else this.scheduleOfflinePoll();
      } catch {
        if (this.state === 'offline') this.scheduleOfflinePoll();
      }
    }, this.offlinePollMs * (0.75 + Math.random() * 0.5));
  }

  async connect() {
    this.teardown(false);
    const generation = ++this.generation;
    if (this.state !== 'live' && this.state !== 'offline') this.set('connecting');
    const pc = new RTCPeerConnection();
    this.pc = pc;
    pc.addTransceiver('audio', { direction: 'recvonly' });
    pc.addTransceiver('video', { direction: 'recvonly' });
    const stream = new MediaStream();
    pc.addEventListener('track', (event) => {
      stream.addTrack(event.track);
      if (this.video.srcObject !== stream) this.video.srcObject = stream;
      void this.video.play().catch(() => {}); // muted autoplay is allowed; a refusal leaves the play button
    });
    pc.addEventListener('connectionstatechange', () => this.onConnectionState(pc, generation));
    this.abort = new AbortController();
    try {
      const token = this.useToken ? await this.getToken(false) : null;
      this.token = token;
      const { session } = await negotiate(pc, `/whep/${encodeURIComponent(this.channel)}`, { token, signal: this.abort.signal });
      if (generation !== this.generation) {
        void hangUp(session, { token });
        return;
      }
      this.session = session;
      if (this.state === 'offline' || this.state === 'error') this.set('connecting');
      clearTimeout(this.connectTimer);
      this.connectTimer = setTimeout(() => {
        if (generation === this.generation && pc.connectionState !== 'connected' && !this.everConnected) this.trouble('timeout');
      }, this.connectTimeoutMs);
    } catch (error) {
      if (generation !== this.generation) return;
      pc.close();
      if (this.pc === pc) this.pc = null;
      await this.onFailure(error);
    }
  }

  /** @param {any} error */
  async onFailure(error) {
    if (error instanceof SignallingError) {
      switch (error.status) {
        case 404:
          if (Date.now() < this.expectLiveUntil) {
            this.connectSoon(this.backoff.next());
            return;
          }
          this.backoff.reset();
          this.set('offline');
          this.scheduleOfflinePoll();
          return;
        case 401:
        case 403:
          if (!this.useToken || error.status === 401) {
            // A private channel: try with the viewer's token (restoring the session if needed), once per failure.
            const token = await this.getToken(this.useToken);
            if (token && (!this.useToken || token !== this.token)) {
              this.useToken = true;
              this.connectSoon(0);
              return;
            }
          }
          this.set('error', 'This channel is private: sign in with an account that may watch it');
          return;
        case 503:
          this.trouble('busy');
          this.set(this.state === 'live' ? 'connecting' : this.state, '');
          this.connectSoon(this.backoff.next((error.retryAfter ?? 0) * 1000));
          return;
        default:
          break;
      }
    }
    if (error?.name === 'AbortError') return;
    // Network error (server restarting, offline) or an unexpected answer: try again later. Not a reason for HLS,
    // which comes from the same server.
    this.set('connecting', 'Reconnecting…');
    this.connectSoon(this.backoff.next());
  }

  /** @param {RTCPeerConnection} pc @param {number} generation */
  onConnectionState(pc, generation) {
    if (generation !== this.generation) return;
    switch (pc.connectionState) {
      case 'connected':
        clearTimeout(this.disconnectTimer);
        clearTimeout(this.connectTimer);
        this.everConnected = true;
        this.backoff.reset();
        this.set('live');
        return;
      case 'disconnected':
        // Often transient (a network change); give ICE a moment before starting over.
        clearTimeout(this.disconnectTimer);
        this.disconnectTimer = setTimeout(() => {
          if (generation === this.generation && pc.connectionState !== 'connected') this.reconnect();
        }, 3000);
        return;
      case 'failed':
      case 'closed':
        // ICE consent lost, the server ended the session (the stream ended, the node stopped): ask WHEP again;
        // a 404 then says offline.
        if (pc.connectionState === 'failed' && !this.everConnected) this.trouble('ice');
        this.reconnect();
        return;
      default:
    }
  }

  /** @param {'timeout' | 'busy' | 'ice'} reason */
  trouble(reason) {
    if (!this.stopped) this.dispatchEvent(new CustomEvent('trouble', { detail: { reason } }));
  }

  reconnect() {
    this.teardown();
    this.set('connecting', 'Reconnecting…');
    this.connectSoon(this.backoff.next());
  }

  /** Closes the current connection (and its server session). @param {boolean} [clearVideo] */
  teardown(clearVideo = true) {
    this.abort?.abort();
    this.abort = null;
    clearTimeout(this.disconnectTimer);
    clearTimeout(this.connectTimer);
    if (this.pc) {
      const pc = this.pc;
      this.pc = null;
      this.generation++;
      pc.close();
    }
    if (this.session) {
      void hangUp(this.session, { token: this.useToken ? this.token : null });
      this.session = null;
    }
    if (clearVideo) this.video.srcObject = null;
  }

  /** @param {PlayerState} state @param {string} [message] */
  set(state, message = '') {
    if (state === this.state && message === this.message) return;
    this.state = state;
    this.message = message;
    this.dispatchEvent(new CustomEvent('state', { detail: { state, message } }));
  }

  /** The live connection, for stats. */
  connection() {
    return this.state === 'live' ? this.pc : null;
  }
}
