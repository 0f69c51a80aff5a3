// @ts-check
// Which way the watch page plays: WebRTC (WHEP, lowest latency) first; LL-HLS over MSE when WebRTC cannot work
// here while the server answers (the WHEP player's `trouble`: a full node, no `connected` within a few seconds of a
// WHEP answer, ICE failure: UDP blocked on the viewer's network), when
// the server says the channel is HLS-only for overflow audiences (`playback: "hls"` in /api/streams/{channel}), or
// when the page is opened with `?playback=hls`. Once on HLS it stays there until the stream ends (no flapping); a
// channel whose HLS is unavailable (`hls.available: false`, or a 404 for the playlist) stays on WebRTC. The HLS code
// is imported only when needed, so the WebRTC path's first frame does not wait for it.
import { WhepPlayer } from './whep-player.js';

/** @typedef {'webrtc' | 'hls'} PlaybackMode */
/** @typedef {import('./whep-player.js').PlayerState} PlayerState */

export class LivePlayer extends EventTarget {
  /**
   * @param {HTMLVideoElement} video
   * @param {{channel: string, token: (force: boolean) => Promise<string | null>, offlinePollMs?: number,
   *   connectTimeoutMs?: number, forceHls?: boolean}} options
   */
  constructor(video, options) {
    super();
    this.video = video;
    this.channel = options.channel;
    this.getToken = options.token;
    this.whep = new WhepPlayer(video, options);
    /** @type {import('./hls-player.js').HlsPlayer | null} */
    this.hls = null;
    /** @type {PlaybackMode} */
    this.mode = typeof RTCPeerConnection === 'undefined' || options.forceHls ? 'hls' : 'webrtc';
    /** HLS for as long as the page lives: forced by the URL, the browser has no WebRTC, or the server says HLS-only. */
    this.sticky = this.mode === 'hls';
    /** @type {boolean | null} what the server said about HLS for this channel; null = not known */
    this.hlsAvailable = null;
    this.hlsUrl = `/hls/${encodeURIComponent(this.channel)}/index.m3u8`;
    /** @type {PlayerState} */
    this.state = 'connecting';
    this.message = '';
    this.stopped = false;
    this.whep.addEventListener('state', (event) => {
      if (this.mode === 'webrtc') this.forward(/** @type {CustomEvent} */ (event).detail);
    });
    this.whep.addEventListener('trouble', () => {
      if (this.mode === 'webrtc' && this.hlsAvailable !== false) void this.useHls(false);
    });
  }

  start() {
    this.stopped = false;
    if (this.mode === 'hls') void this.useHls(this.sticky);
    else this.whep.start();
  }

  stop() {
    this.stopped = true;
    this.whep.stop();
    this.hls?.stop();
  }

  /**
   * The channel's status from GET /api/streams/{channel} (the page reads it anyway): HLS's URL and availability,
   * and whether the server wants new viewers on HLS. A viewer already playing over WebRTC keeps it.
   * @param {any} status
   */
  setStatus(status) {
    if (!status || typeof status !== 'object') return;
    const hls = status.hls;
    if (status.live && hls && typeof hls === 'object' && typeof hls.available === 'boolean') this.hlsAvailable = hls.available;
    const url = typeof hls?.url === 'string' ? hls.url : typeof status.hlsUrl === 'string' ? status.hlsUrl : null;
    if (url && url.startsWith('/')) this.hlsUrl = url;
    if (status.playback === 'hls' && this.hlsAvailable !== false && this.mode === 'webrtc' && this.state !== 'live') {
      void this.useHls(true);
    }
  }

  /** @param {boolean} live what the chat's `stream` events say */
  setLive(live) {
    if (this.mode === 'webrtc') {
      this.whep.setLive(live);
      return;
    }
    if (live) {
      if (this.state !== 'live') void this.useHls(this.sticky);
      return;
    }
    this.hls?.stop();
    if (this.sticky) {
      this.forward({ state: 'offline', message: '' });
    } else {
      // The stream ended: the next one starts on WebRTC again.
      this.setMode('webrtc');
      this.whep.setLive(false);
    }
  }

  /** @param {boolean} sticky */
  async useHls(sticky) {
    if (this.stopped) return;
    this.sticky ||= sticky;
    this.setMode('hls');
    this.whep.stop();
    this.whep.set('connecting'); // its next start begins from a clean state
    this.forward({ state: 'connecting', message: '' });
    /** @type {typeof import('./hls-player.js').HlsPlayer} */
    let HlsPlayer;
    try {
      ({ HlsPlayer } = await import('./hls-player.js'));
    } catch {
      // The server went away between the decision and the module: WebRTC's own retries take it from here.
      if (this.stopped || this.mode !== 'hls') return;
      if (this.sticky) {
        this.forward({ state: 'connecting', message: 'Reconnecting…' });
        setTimeout(() => { if (this.mode === 'hls' && this.state !== 'live') void this.useHls(true); }, 5000);
      } else {
        this.setMode('webrtc');
        this.whep.start();
      }
      return;
    }
    if (this.stopped || this.mode !== 'hls') return;
    // The channel's HLS as the server says it now, with the viewer's token when there is one: a private channel's
    // playlist URL is signed for viewers who may watch (and a VP8 channel has none, with the reason).
    const reason = await this.askForHls();
    if (this.stopped || this.mode !== 'hls') return;
    if (reason !== null) {
      if (this.sticky) this.forward({ state: 'error', message: reason });
      else {
        this.setMode('webrtc');
        this.whep.start();
      }
      return;
    }
    this.hls?.stop();
    const hls = new HlsPlayer(this.video, { url: this.hlsUrl });
    this.hls = hls;
    hls.addEventListener('state', (event) => {
      if (this.hls === hls && this.mode === 'hls') this.forward(/** @type {CustomEvent} */ (event).detail);
    });
    hls.addEventListener('unavailable', (event) => {
      if (this.hls !== hls) return;
      const { status } = /** @type {CustomEvent} */ (event).detail;
      hls.stop();
      if (this.sticky) {
        // A 404 for the playlist of a channel we must play over HLS: offline, or HLS refused (said in words).
        this.forward(status === 404 ? { state: 'offline', message: '' } : { state: 'error', message: hls.message });
        return;
      }
      // HLS cannot play it either: back to WebRTC, which keeps retrying with its backoff.
      this.hlsAvailable = false;
      this.setMode('webrtc');
      this.whep.start();
    });
    hls.start();
  }

  /** @returns {Promise<string | null>} why HLS cannot play this channel, or null (go ahead) */
  async askForHls() {
    try {
      const token = await this.getToken(false).catch(() => null);
      const response = await fetch(`/api/streams/${encodeURIComponent(this.channel)}`, {
        credentials: 'same-origin',
        headers: token ? { Authorization: `Bearer ${token}` } : {},
      });
      if (!response.ok) return null; // the playlist's own answer decides
      const status = await response.json();
      this.setStatus(status);
      if (status?.hls?.available === false && status.live) {
        return typeof status.hls.reason === 'string' && status.hls.reason ? status.hls.reason : 'This stream is not available over HLS';
      }
      return null;
    } catch {
      return null;
    }
  }

  /** @param {PlaybackMode} mode */
  setMode(mode) {
    if (mode === this.mode) return;
    if (mode === 'webrtc') this.hls?.stop();
    this.mode = mode;
    this.dispatchEvent(new CustomEvent('mode', { detail: { mode } }));
  }

  /** @param {{state: PlayerState | 'connecting' | 'live' | 'error', message: string}} detail */
  forward(detail) {
    if (detail.state === this.state && detail.message === this.message) return;
    this.state = detail.state;
    this.message = detail.message;
    this.dispatchEvent(new CustomEvent('state', { detail: { state: detail.state, message: detail.message } }));
  }

  /** The WebRTC connection, for the stats overlay (null on HLS). */
  connection() {
    return this.mode === 'webrtc' ? this.whep.connection() : null;
  }
}
