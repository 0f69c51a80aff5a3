// @ts-check
// What the browser sends, from getStats(): bitrate over the last sample (video + audio outbound-rtp), the video's
// resolution and frame rate, and the sender's bandwidth estimate (which follows the server's REMB).

/** @typedef {{bitsPerSecond: number | null, width: number | null, height: number | null, fps: number | null, estimate: number | null, limitation: string | null}} SentSample */

export class SentStats {
  constructor() {
    /** @type {Map<string, {bytes: number, at: number}>} */
    this.previous = new Map();
  }

  reset() {
    this.previous.clear();
  }

  /**
   * @param {RTCPeerConnection} pc
   * @returns {Promise<SentSample>}
   */
  async sample(pc) {
    const report = await pc.getStats();
    /** @type {SentSample} */
    const sample = { bitsPerSecond: null, width: null, height: null, fps: null, estimate: null, limitation: null };
    let bits = 0;
    let measured = false;
    report.forEach((/** @type {any} */ stat) => {
      if (stat.type === 'outbound-rtp') {
        const before = this.previous.get(stat.id);
        this.previous.set(stat.id, { bytes: stat.bytesSent ?? 0, at: stat.timestamp });
        if (before && stat.timestamp > before.at) {
          bits += ((stat.bytesSent - before.bytes) * 8 * 1000) / (stat.timestamp - before.at);
          measured = true;
        }
        if (stat.kind === 'video') {
          sample.width = stat.frameWidth ?? null;
          sample.height = stat.frameHeight ?? null;
          sample.fps = stat.framesPerSecond ?? null;
          sample.limitation = stat.qualityLimitationReason && stat.qualityLimitationReason !== 'none' ? stat.qualityLimitationReason : null;
        }
      } else if (stat.type === 'candidate-pair' && stat.nominated && stat.state === 'succeeded' && stat.availableOutgoingBitrate) {
        sample.estimate = stat.availableOutgoingBitrate;
      }
    });
    if (measured) sample.bitsPerSecond = Math.max(0, bits);
    return sample;
  }
}

/** @param {number | null} bitsPerSecond */
export function formatBitrate(bitsPerSecond) {
  if (bitsPerSecond === null || !Number.isFinite(bitsPerSecond)) return '—';
  if (bitsPerSecond >= 1_000_000) return `${(bitsPerSecond / 1_000_000).toFixed(1)} Mbit/s`;
  return `${Math.round(bitsPerSecond / 1000)} kbit/s`;
}
