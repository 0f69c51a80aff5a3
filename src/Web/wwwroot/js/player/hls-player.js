// @ts-check
// The HLS fallback: a small LL-HLS client on Media Source Extensions, for when WebRTC cannot play (blocked UDP, a
// full SFU, a channel in HLS-only mode). One SourceBuffer for the muxed audio+video fMP4: the EXT-X-MAP init segment,
// then parts (or whole segments) in order. It starts PART-HOLD-BACK behind the live edge, waits for the next part
// with blocking playlist reloads (`_HLS_msn`/`_HLS_part`), keeps about 30 s of buffer behind the playhead, and on a
// failed or stalled fetch reloads the playlist and carries on from the last part it appended. Events: `state`
// ({state, message}) and `unavailable` ({status}) when the playlist itself is refused (404: no HLS for this channel).
import { parsePlaylist, mediaItems, startIndex, itemsAfter, nextBlockingRequest, blockingUrl, PlaylistError } from './hls-playlist.js';
import { codecsOfInit } from './mp4-codecs.js';
import { Backoff } from '../chat/backoff.js';

/** @typedef {'connecting' | 'live' | 'error'} HlsState */

export class HttpStatusError extends Error {
  /** @param {number} status @param {string} url */
  constructor(status, url) {
    super(`HTTP ${status} for ${url}`);
    this.status = status;
  }
}

const keepBehindSeconds = 30;
const maxFailuresInARow = 6;

export class HlsPlayer extends EventTarget {
  /**
   * @param {HTMLVideoElement} video
   * @param {{url: string, credentials?: RequestCredentials}} options the playlist URL (media or multivariant)
   */
  constructor(video, options) {
    super();
    this.video = video;
    this.url = options.url;
    this.credentials = options.credentials ?? 'same-origin';
    /** @type {HlsState} */
    this.state = 'connecting';
    this.message = '';
    this.generation = 0;
    /** @type {AbortController | null} */
    this.abort = null;
    /** @type {string | null} */
    this.objectUrl = null;
    this.backoff = new Backoff({ baseMs: 500, maxMs: 8000 });
    this.stats = { parts: 0, bytes: 0, reloads: 0, failures: 0, holdBack: 0, codecs: '' };
    this.onTime = () => {
      if (this.video.currentTime > 0 && !this.video.paused && this.state !== 'live') this.set('live');
    };
  }

  start() {
    this.stop();
    const generation = ++this.generation;
    this.abort = new AbortController();
    this.video.addEventListener('timeupdate', this.onTime);
    this.set('connecting');
    void this.run(generation, this.abort.signal);
  }

  /** Stops fetching and detaches the MediaSource from the video. */
  stop() {
    this.generation++;
    this.abort?.abort();
    this.abort = null;
    this.video.removeEventListener('timeupdate', this.onTime);
    this.detach();
  }

  detach() {
    if (this.objectUrl) {
      URL.revokeObjectURL(this.objectUrl);
      this.objectUrl = null;
      this.video.removeAttribute('src');
      this.video.load();
    }
  }

  /** Seconds of media the player holds ahead of the playhead (its distance from the newest part it has). */
  bufferAhead() {
    const b = this.video.buffered;
    return b.length > 0 ? Math.max(0, b.end(b.length - 1) - this.video.currentTime) : 0;
  }

  /** @param {number} generation @param {AbortSignal} signal */
  async run(generation, signal) {
    const live = () => generation === this.generation && !signal.aborted;
    let failures = 0;
    /** @type {{msn: number, index: number} | null} */
    let last = null;
    /** @type {{source: MediaSource, buffer: SourceBuffer} | null} */
    let media = null;
    let url = this.url;
    while (live()) {
      try {
        let playlist = parsePlaylist(await this.text(url, signal, 10_000));
        if (playlist.kind === 'multivariant') {
          url = new URL(playlist.uri, new URL(url, location.href)).href;
          this.stats.codecs = playlist.codecs ?? '';
          playlist = parsePlaylist(await this.text(url, signal, 10_000));
        }
        if (playlist.kind !== 'media') throw new PlaylistError('a multivariant playlist names another');
        const base = new URL(url, location.href);
        const holdBack = playlist.partHoldBack ?? playlist.holdBack ?? 3 * playlist.targetDuration;
        this.stats.holdBack = holdBack;
        if (!media) media = await this.attach(playlist, base, signal);
        if (!live()) return;
        let items = mediaItems(playlist);
        let queue = last ? itemsAfter(items, last) : items.slice(Math.max(0, startIndex(items, holdBack)));
        for (;;) {
          for (const item of queue) {
            const bytes = await this.bytes(new URL(item.uri, base).href, signal, 10_000);
            if (!live()) return;
            await this.append(media.buffer, bytes);
            last = item;
            this.stats.parts++;
            this.afterAppend(holdBack);
          }
          failures = 0;
          this.backoff.reset();
          if (playlist.ended) {
            if (media.source.readyState === 'open') media.source.endOfStream();
            return;
          }
          const request = nextBlockingRequest(playlist);
          if (!request) await delay(Math.max(500, (playlist.partTarget ?? playlist.targetDuration / 2) * 1000), signal);
          // The server holds a blocking reload up to about three target durations (RFC 8216bis §6.2.5.2).
          playlist = parsePlaylist(await this.text(blockingUrl(url, request), signal, (3 * playlist.targetDuration + 2) * 1000));
          if (playlist.kind !== 'media') throw new PlaylistError('the media playlist became a multivariant one');
          this.stats.reloads++;
          items = mediaItems(playlist);
          queue = last && items.length > 0 && last.msn >= items[0].msn
            ? itemsAfter(items, last)
            : items.slice(Math.max(0, startIndex(items, holdBack))); // fell out of the window: start again near live
        }
      } catch (error) {
        if (!live()) return;
        this.stats.failures++;
        if (error instanceof HttpStatusError && (error.status === 404 || error.status === 401 || error.status === 403) && last === null) {
          this.dispatchEvent(new CustomEvent('unavailable', { detail: { status: error.status } }));
          this.set('error', 'This stream is not available over HLS');
          return;
        }
        // Before anything played, two failures in a row say HLS does not work here now (the WebRTC path may).
        if (++failures > (last === null ? 1 : maxFailuresInARow) || error instanceof UnsupportedError) {
          this.dispatchEvent(new CustomEvent('unavailable', { detail: { status: error instanceof HttpStatusError ? error.status : 0 } }));
          this.set('error', error instanceof UnsupportedError ? error.message : 'The stream stopped');
          return;
        }
        // A stalled or failed fetch, a playlist that did not parse: reload the playlist (without blocking) and go on
        // from the last part appended. Media the SourceBuffer refused closed the MediaSource: start a new one.
        if (media && media.source.readyState !== 'open') {
          this.detach();
          media = null;
          last = null;
        }
        if (this.state !== 'live') this.set('connecting', 'Reconnecting…');
        try {
          await delay(this.backoff.next(), signal);
        } catch {
          return;
        }
      }
    }
  }

  /**
   * Opens the MediaSource on the video with a SourceBuffer for the init segment's codecs, and appends the init.
   * @param {import('./hls-playlist.js').MediaPlaylist} playlist @param {URL} base @param {AbortSignal} signal
   */
  async attach(playlist, base, signal) {
    if (!playlist.map) throw new UnsupportedError('The HLS stream has no fMP4 init segment');
    if (typeof MediaSource === 'undefined') throw new UnsupportedError('This browser cannot play HLS (no Media Source Extensions)');
    const init = await this.bytes(new URL(playlist.map, base).href, signal, 10_000);
    const codecs = this.stats.codecs || codecsOfInit(init).join(',');
    const type = `video/mp4; codecs="${codecs}"`;
    if (!codecs || !MediaSource.isTypeSupported(type)) throw new UnsupportedError(`This browser cannot play ${codecs || 'this stream'}`);
    this.stats.codecs = codecs;
    const source = new MediaSource();
    const opened = new Promise((resolve) => source.addEventListener('sourceopen', resolve, { once: true }));
    this.video.srcObject = null;
    this.objectUrl = URL.createObjectURL(source);
    this.video.src = this.objectUrl;
    await opened;
    const buffer = source.addSourceBuffer(type);
    buffer.mode = 'segments'; // fMP4 carries its own timestamps (tfdt)
    await this.append(buffer, init);
    return { source, buffer };
  }

  /** @param {SourceBuffer} buffer @param {Uint8Array} bytes */
  async append(buffer, bytes) {
    try {
      await untilUpdated(buffer, () => buffer.appendBuffer(bytes));
    } catch (error) {
      if (!(error instanceof DOMException && error.name === 'QuotaExceededError')) throw error;
      await this.trim(buffer, 5);
      await untilUpdated(buffer, () => buffer.appendBuffer(bytes));
    }
    this.stats.bytes += bytes.byteLength;
    if (buffer.buffered.length > 0 && buffer.buffered.start(0) < this.video.currentTime - keepBehindSeconds) {
      await this.trim(buffer, keepBehindSeconds / 3);
    }
  }

  /** Drops what is more than `keep` seconds behind the playhead. @param {SourceBuffer} buffer @param {number} keep */
  async trim(buffer, keep) {
    const end = this.video.currentTime - keep;
    if (buffer.buffered.length > 0 && end > buffer.buffered.start(0)) await untilUpdated(buffer, () => buffer.remove(0, end));
  }

  /** Keeps the playhead inside the buffer and about hold-back behind the newest media. @param {number} holdBack */
  afterAppend(holdBack) {
    const b = this.video.buffered;
    if (b.length === 0) return;
    const now = this.video.currentTime;
    const end = b.end(b.length - 1);
    let inside = false;
    for (let i = 0; i < b.length; i++) inside ||= now >= b.start(i) && now < b.end(i);
    if (!inside || end - now > 2 * holdBack + 2) {
      // Not started yet (live timestamps do not start at 0), in a gap, or far behind after a stall: jump to the
      // start of the newest range, or hold-back behind its end when that is later.
      this.video.currentTime = Math.max(b.start(b.length - 1), end - holdBack);
    }
    if (this.video.paused) void this.video.play().catch(() => {});
  }

  /** @param {string} url @param {AbortSignal} signal @param {number} timeoutMs */
  async text(url, signal, timeoutMs) {
    const response = await this.get(url, signal, timeoutMs);
    return response.text();
  }

  /** @param {string} url @param {AbortSignal} signal @param {number} timeoutMs */
  async bytes(url, signal, timeoutMs) {
    const response = await this.get(url, signal, timeoutMs);
    return new Uint8Array(await response.arrayBuffer());
  }

  /** @param {string} url @param {AbortSignal} signal @param {number} timeoutMs */
  async get(url, signal, timeoutMs) {
    const response = await fetch(url, { credentials: this.credentials, signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) });
    if (!response.ok) throw new HttpStatusError(response.status, url);
    return response;
  }

  /** @param {HlsState} state @param {string} [message] */
  set(state, message = '') {
    if (state === this.state && message === this.message) return;
    this.state = state;
    this.message = message;
    this.dispatchEvent(new CustomEvent('state', { detail: { state, message } }));
  }
}

class UnsupportedError extends Error {}

/** @param {SourceBuffer} buffer @param {() => void} operation */
function untilUpdated(buffer, operation) {
  return new Promise((resolve, reject) => {
    const done = () => {
      buffer.removeEventListener('updateend', done);
      buffer.removeEventListener('error', failed);
      resolve(undefined);
    };
    const failed = () => {
      buffer.removeEventListener('updateend', done);
      buffer.removeEventListener('error', failed);
      reject(new Error('the SourceBuffer refused the media'));
    };
    buffer.addEventListener('updateend', done);
    buffer.addEventListener('error', failed);
    try {
      operation();
    } catch (error) {
      buffer.removeEventListener('updateend', done);
      buffer.removeEventListener('error', failed);
      reject(error);
    }
  });
}

/** @param {number} ms @param {AbortSignal} signal */
function delay(ms, signal) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(new DOMException('aborted', 'AbortError'));
    }, { once: true });
  });
}
