// @ts-check
// The stats overlay: what the browser's getStats() says about the video it receives, sampled once a second while
// the overlay is open. Rates and loss are over the last interval (differences of the cumulative counters).
//
// Delay estimate, and what it leaves out: the part of glass-to-glass we can measure honestly from the viewer is
// "server to screen" = the server's forwarding delay (p50 of the last 2 s, from GET /api/streams/{channel})
// + half the ICE round-trip time (the network path, assumed symmetric) + the jitter buffer's mean delay over the
// interval + the mean decode time per frame. The publisher's capture, encode and uplink come before the server and
// are not included; render and display add a frame or so after decode.
import { h, replace } from '../dom.js';

/**
 * @typedef {object} Sample
 * @property {number} time ms
 * @property {number} bytes all inbound RTP bytes
 * @property {number} packetsReceived video
 * @property {number} packetsLost video
 * @property {number} jitterBufferDelay seconds (cumulative)
 * @property {number} jitterBufferEmitted count (cumulative)
 * @property {number} decodeTime seconds (cumulative)
 * @property {number} framesDecoded
 * @property {number} width
 * @property {number} height
 * @property {number} fps
 * @property {number | null} rttMs
 */

/**
 * @param {RTCStatsReport} report
 * @param {number} time
 * @returns {Sample}
 */
export function sampleOf(report, time) {
  /** @type {Sample} */
  const s = { time, bytes: 0, packetsReceived: 0, packetsLost: 0, jitterBufferDelay: 0, jitterBufferEmitted: 0, decodeTime: 0, framesDecoded: 0, width: 0, height: 0, fps: 0, rttMs: null };
  report.forEach((r) => {
    if (r.type === 'inbound-rtp') {
      s.bytes += r.bytesReceived ?? 0;
      if (r.kind === 'video') {
        s.packetsReceived = r.packetsReceived ?? 0;
        s.packetsLost = r.packetsLost ?? 0;
        s.jitterBufferDelay = r.jitterBufferDelay ?? 0;
        s.jitterBufferEmitted = r.jitterBufferEmittedCount ?? 0;
        s.decodeTime = r.totalDecodeTime ?? 0;
        s.framesDecoded = r.framesDecoded ?? 0;
        s.width = r.frameWidth ?? 0;
        s.height = r.frameHeight ?? 0;
        s.fps = r.framesPerSecond ?? 0;
      }
    } else if (r.type === 'candidate-pair' && r.nominated && r.state === 'succeeded' && typeof r.currentRoundTripTime === 'number') {
      s.rttMs = r.currentRoundTripTime * 1000;
    }
  });
  return s;
}

/**
 * The figures of an interval between two samples.
 * @param {Sample} a earlier
 * @param {Sample} b later
 * @param {number | null} serverDelayMs the server's forwarding delay p50, if known
 */
export function figures(a, b, serverDelayMs) {
  const seconds = Math.max(0.001, (b.time - a.time) / 1000);
  const received = b.packetsReceived - a.packetsReceived;
  const lost = Math.max(0, b.packetsLost - a.packetsLost);
  const emitted = b.jitterBufferEmitted - a.jitterBufferEmitted;
  const frames = b.framesDecoded - a.framesDecoded;
  const jitterBufferMs = emitted > 0 ? ((b.jitterBufferDelay - a.jitterBufferDelay) / emitted) * 1000 : null;
  const decodeMs = frames > 0 ? ((b.decodeTime - a.decodeTime) / frames) * 1000 : null;
  const delayMs = serverDelayMs !== null && b.rttMs !== null && jitterBufferMs !== null && decodeMs !== null
    ? serverDelayMs + b.rttMs / 2 + jitterBufferMs + decodeMs
    : null;
  return {
    resolution: b.width ? `${b.width}×${b.height}` : '—',
    fps: b.fps,
    kbps: Math.round(((b.bytes - a.bytes) * 8) / seconds / 1000),
    lossPercent: received + lost > 0 ? (lost / (received + lost)) * 100 : 0,
    jitterBufferMs,
    decodeMs,
    rttMs: b.rttMs,
    delayMs,
  };
}

/**
 * Runs the overlay in `panel` while it is shown.
 * @param {HTMLElement} panel
 * @param {() => RTCPeerConnection | null} connection
 * @param {string} channel
 * @param {() => {video: HTMLVideoElement, ahead: number, holdBack: number, bytes: number, codecs: string} | null} [hls]
 *   the HLS fallback's figures while it plays
 */
export function runStats(panel, connection, channel, hls) {
  /** @type {Sample | null} */
  let previous = null;
  /** @type {number | null} */
  let serverDelay = null;
  let lastServerFetch = 0;
  /** @type {{bytes: number, time: number} | null} */
  let previousHls = null;
  const row = (/** @type {string} */ label, /** @type {string} */ value) => [h('dt', null, label), h('dd', null, value)];
  const tick = async () => {
    const pc = connection();
    const viaHls = pc ? null : hls?.() ?? null;
    if (viaHls) {
      const { video } = viaHls;
      const quality = video.getVideoPlaybackQuality();
      const kbps = previousHls ? Math.round(((viaHls.bytes - previousHls.bytes) * 8) / Math.max(0.001, (performance.now() - previousHls.time) / 1000) / 1000) : 0;
      previousHls = { bytes: viaHls.bytes, time: performance.now() };
      replace(panel, h('dl', null,
        row('Playback', 'LL-HLS'),
        row('Resolution', video.videoWidth ? `${video.videoWidth}×${video.videoHeight}` : '—'),
        row('Codecs', viaHls.codecs || '—'),
        row('Bitrate', `${kbps.toLocaleString()} kbit/s`),
        row('Frames dropped', `${quality.droppedVideoFrames} of ${quality.totalVideoFrames}`),
        row('Buffered ahead', `${viaHls.ahead.toFixed(1)} s (hold-back ${viaHls.holdBack.toFixed(1)} s)`)));
      return;
    }
    previousHls = null;
    if (!pc) {
      replace(panel, h('p', null, 'Not playing'));
      previous = null;
      return;
    }
    if (Date.now() - lastServerFetch > 5000) {
      lastServerFetch = Date.now();
      fetch(`/api/streams/${encodeURIComponent(channel)}`).then((r) => (r.ok ? r.json() : null)).then((s) => {
        const p50 = s?.quality?.forwardingDelayP50Milliseconds;
        serverDelay = typeof p50 === 'number' ? p50 : null;
      }).catch(() => {});
    }
    const sample = sampleOf(await pc.getStats(), performance.now());
    if (previous) {
      const f = figures(previous, sample, serverDelay);
      const ms = (/** @type {number | null} */ v) => (v === null ? '—' : `${Math.round(v)} ms`);
      replace(panel, h('dl', null,
        row('Resolution', f.resolution),
        row('Frame rate', `${Math.round(f.fps)} fps`),
        row('Bitrate', `${f.kbps.toLocaleString()} kbit/s`),
        row('Packet loss', `${f.lossPercent.toFixed(1)} %`),
        row('Jitter buffer', ms(f.jitterBufferMs)),
        row('Round trip', ms(f.rttMs)),
        row('Server → screen', f.delayMs === null ? '—' : `≈ ${Math.round(f.delayMs)} ms`)),
        h('p', { class: 'stats-note' }, 'Server → screen: server forwarding (p50) + ½ round trip + jitter buffer + decode; the publisher\'s capture, encode and upload are not included.'));
    }
    previous = sample;
  };
  void tick();
  const timer = setInterval(() => void tick(), 1000);
  return () => clearInterval(timer);
}
