// @ts-check
// The codecs string MediaSource needs (RFC 6381), read from an fMP4 init segment when the playlist has no CODECS:
// moov/trak/mdia/minf/stbl/stsd's sample entries. avc1/avc3 → `avc1.PPCCLL` from the avcC's profile, constraint and
// level bytes (ISO/IEC 14496-15 §5.3.3.1); Opus → `opus`; AAC → `mp4a.40.2`. Untrusted bytes: box sizes are checked
// against their parent, and anything unexpected is skipped.

const containers = new Set(['moov', 'trak', 'mdia', 'minf', 'stbl']);

/**
 * @param {DataView} view
 * @param {number} start
 * @param {number} end
 * @returns {Generator<{type: string, start: number, end: number}>} each box's body range
 */
function* boxes(view, start, end) {
  let at = start;
  while (at + 8 <= end) {
    let size = view.getUint32(at);
    const type = String.fromCharCode(view.getUint8(at + 4), view.getUint8(at + 5), view.getUint8(at + 6), view.getUint8(at + 7));
    let header = 8;
    if (size === 1) {
      if (at + 16 > end) return;
      size = view.getUint32(at + 8) * 2 ** 32 + view.getUint32(at + 12);
      header = 16;
    } else if (size === 0) {
      size = end - at;
    }
    if (size < header || at + size > end) return;
    yield { type, start: at + header, end: at + size };
    at += size;
  }
}

/** @param {number} n */
const hex = (n) => n.toString(16).padStart(2, '0');

/**
 * @param {ArrayBuffer | Uint8Array} init
 * @returns {string[]} one codec per sample entry found, in track order
 */
export function codecsOfInit(init) {
  const bytes = init instanceof Uint8Array ? init : new Uint8Array(init);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  /** @type {string[]} */
  const found = [];
  /** @param {number} start @param {number} end @param {number} depth */
  const walk = (start, end, depth) => {
    if (depth > 8) return;
    for (const box of boxes(view, start, end)) {
      if (containers.has(box.type)) walk(box.start, box.end, depth + 1);
      else if (box.type === 'stsd' && box.end - box.start >= 8) sampleEntries(box.start + 8, box.end);
    }
  };
  /** @param {number} start @param {number} end */
  const sampleEntries = (start, end) => {
    for (const entry of boxes(view, start, end)) {
      if (entry.type === 'avc1' || entry.type === 'avc3') {
        // VisualSampleEntry: 6 reserved + 2 index + 70 bytes of visual fields before the child boxes.
        for (const child of boxes(view, entry.start + 78, entry.end)) {
          if (child.type === 'avcC' && child.end - child.start >= 4) {
            found.push(`avc1.${hex(view.getUint8(child.start + 1))}${hex(view.getUint8(child.start + 2))}${hex(view.getUint8(child.start + 3))}`);
          }
        }
      } else if (entry.type === 'Opus') {
        found.push('opus');
      } else if (entry.type === 'mp4a') {
        found.push('mp4a.40.2');
      }
    }
  };
  walk(0, bytes.byteLength, 0);
  return found;
}
