// @ts-check
// One WHIP publication of the studio: the peer connection, the session URL and the reconnects. Tracks are swapped
// with replaceTrack (no renegotiation) and the video encoder is capped with setParameters.
import { negotiate, hangUp, SignallingError } from '../webrtc/signalling.js';

/** @typedef {'offline' | 'connecting' | 'live' | 'reconnecting'} PublishState */

const reconnectDelaysMs = [1000, 2000, 4000, 8000, 15000];
// Chromium reports "disconnected" after a few seconds without ICE consent answers; give the path this long to
// come back before starting over with a new session.
const disconnectedGraceMs = 5000;

export class Publisher {
  /**
   * @param {{
   *   endpoint: string,
   *   token: () => Promise<string | null>,
   *   onState: (state: PublishState, error?: unknown) => void,
   * }} options
   */
  constructor(options) {
    this.endpoint = options.endpoint;
    this.getToken = options.token;
    this.onState = options.onState;
    /** @type {PublishState} */
    this.state = 'offline';
    /** @type {RTCPeerConnection | null} */
    this.pc = null;
    /** @type {string | null} */
    this.session = null;
    /** The last token used, for the DELETE sent while the page goes away (no time to refresh then). */
    /** @type {string | null} */
    this.lastToken = null;
    /** @type {{audio: MediaStreamTrack | null, video: MediaStreamTrack | null}} */
    this.tracks = { audio: null, video: null };
    /** @type {number | null} */
    this.maxBitrate = null;
    this.generation = 0;
    this.failures = 0;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.disconnectTimer = undefined;
    /** The offer in flight, cancelled by stop(). */
    /** @type {AbortController | null} */
    this.offer = null;
  }

  get publishing() {
    return this.state !== 'offline';
  }

  /**
   * Goes live with these tracks. Throws {@link SignallingError} (or a network error) when the first attempt fails;
   * later failures of the connection reconnect by themselves.
   * @param {{audio: MediaStreamTrack | null, video: MediaStreamTrack | null}} tracks
   * @param {number | null} maxBitrate
   */
  async start(tracks, maxBitrate) {
    if (this.publishing) return;
    this.tracks = { ...tracks };
    this.maxBitrate = maxBitrate;
    this.failures = 0;
    const generation = ++this.generation;
    this.setState('connecting');
    try {
      await this.connect(generation);
    } catch (error) {
      if (generation !== this.generation) return; // ended (End stream, page hidden) while connecting: not a failure
      this.closePeer();
      this.setState('offline', error);
      throw error;
    }
  }

  /** Ends the publication: DELETE of the WHIP session (the server ends the stream), then the connection closes. */
  async stop() {
    this.generation++;
    this.offer?.abort();
    const session = this.session;
    this.session = null;
    clearTimeout(this.disconnectTimer);
    if (session) await hangUp(session, { token: (await this.freshToken()) ?? this.lastToken });
    this.closePeer();
    this.setState('offline');
  }

  /** For pagehide: the DELETE outlives the page (keepalive), nothing is awaited. */
  leave() {
    this.offer?.abort();
    if (!this.session) return;
    this.generation++;
    void hangUp(this.session, { token: this.lastToken, keepalive: true });
    this.session = null;
    this.closePeer();
  }

  /**
   * Sends another track of the same kind from now on: same session, no new offer.
   * @param {'audio' | 'video'} kind
   * @param {MediaStreamTrack} track
   */
  async replaceTrack(kind, track) {
    this.tracks[kind] = track;
    const sender = this.sender(kind);
    if (sender) await sender.replaceTrack(track);
  }

  /**
   * Caps the video encoder (null: no cap of ours; the server's REMB still applies, and a lower REMB always wins).
   * @param {number | null} bitsPerSecond
   */
  async setMaxBitrate(bitsPerSecond) {
    this.maxBitrate = bitsPerSecond;
    const sender = this.sender('video');
    if (!sender) return;
    const parameters = sender.getParameters();
    if (!parameters.encodings || parameters.encodings.length === 0) parameters.encodings = [{}];
    for (const encoding of parameters.encodings) {
      if (bitsPerSecond) encoding.maxBitrate = bitsPerSecond;
      else delete encoding.maxBitrate;
    }
    await sender.setParameters(parameters);
  }

  /** @param {'audio' | 'video'} kind */
  sender(kind) {
    return this.pc?.getTransceivers().find((t) => t.receiver.track.kind === kind)?.sender ?? null;
  }

  /** @param {number} generation */
  async connect(generation) {
    const pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle' });
    this.pc = pc;
    pc.addTransceiver(this.tracks.audio ?? 'audio', { direction: 'sendonly' });
    pc.addTransceiver(this.tracks.video ?? 'video', {
      direction: 'sendonly',
      sendEncodings: [this.maxBitrate ? { maxBitrate: this.maxBitrate } : {}],
    });
    pc.addEventListener('connectionstatechange', () => this.connectionChanged(pc, generation));
    const token = await this.freshToken();
    const offer = new AbortController();
    this.offer = offer;
    /** @type {string} */
    let session;
    try {
      ({ session } = await negotiate(pc, this.endpoint, { token, signal: offer.signal }));
    } finally {
      if (this.offer === offer) this.offer = null;
    }
    if (generation !== this.generation) {
      // ended (or restarted) while the offer was out: this session is nobody's
      void hangUp(session, { token });
      pc.close();
      return;
    }
    this.session = session;
    if (pc.connectionState === 'connected') this.setState('live');
  }

  /** @param {RTCPeerConnection} pc @param {number} generation */
  connectionChanged(pc, generation) {
    if (generation !== this.generation || pc !== this.pc) return;
    clearTimeout(this.disconnectTimer);
    switch (pc.connectionState) {
      case 'connected':
        this.failures = 0;
        this.setState('live');
        break;
      case 'disconnected':
        this.disconnectTimer = setTimeout(() => {
          if (pc === this.pc && pc.connectionState === 'disconnected') void this.reconnect(generation);
        }, disconnectedGraceMs);
        break;
      case 'failed':
        void this.reconnect(generation);
        break;
      default:
        break;
    }
  }

  /**
   * ICE failed (a network change, a server restart): end the old session and publish again with the same tracks,
   * waiting longer after each failure in a row. Gives up after the last delay, or at once when the server no longer
   * lets this account publish.
   * @param {number} previous the generation that failed
   */
  async reconnect(previous) {
    if (previous !== this.generation) return;
    const generation = ++this.generation;
    const failures = ++this.failures;
    if (failures > reconnectDelaysMs.length) {
      this.giveUp(new Error('lost'));
      return;
    }
    this.setState('reconnecting');
    const old = this.session;
    this.session = null;
    this.closePeer();
    if (old) await hangUp(old, { token: (await this.freshToken()) ?? this.lastToken });
    await new Promise((resolve) => setTimeout(resolve, reconnectDelaysMs[failures - 1]));
    if (generation !== this.generation) return;
    try {
      await this.connect(generation); // then connectionstatechange says live, or fails and comes back here
    } catch (error) {
      if (generation !== this.generation) return;
      this.closePeer();
      if (error instanceof SignallingError && [401, 403, 404].includes(error.status)) this.giveUp(error);
      else void this.reconnect(generation);
    }
  }

  /** @param {unknown} error */
  giveUp(error) {
    this.generation++;
    this.closePeer();
    this.setState('offline', error);
  }

  async freshToken() {
    try {
      const token = await this.getToken();
      if (token) this.lastToken = token;
      return token;
    } catch {
      return this.lastToken;
    }
  }

  closePeer() {
    clearTimeout(this.disconnectTimer);
    if (this.pc) {
      this.pc.close();
      this.pc = null;
    }
  }

  /** @param {PublishState} state @param {unknown} [error] */
  setState(state, error) {
    if (this.state === state && !error) return;
    this.state = state;
    this.onState(state, error);
  }
}
