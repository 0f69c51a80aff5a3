// @ts-check
// LL-HLS playlists as the HLS fallback player needs them (RFC 8216bis with the low-latency extensions): a media
// playlist's init map, segments, partial segments, server control and preload hint, and a multivariant playlist's
// first variant (its URI and CODECS). Pure functions, no IO: the player and the tests feed them text. Untrusted input:
// anything malformed is skipped or reported as a PlaylistError, never thrown as something else.

export class PlaylistError extends Error {}

/**
 * @typedef {object} Part
 * @property {number} msn media sequence number of the parent segment
 * @property {number} index the part's index in its segment
 * @property {string} uri
 * @property {number} duration seconds
 * @property {boolean} independent starts with a keyframe
 *
 * @typedef {object} Segment
 * @property {number} msn
 * @property {string | null} uri null while the segment is still being written (parts only)
 * @property {number} duration seconds (0 until complete)
 * @property {Part[]} parts the parts the playlist still lists for it
 * @property {number | null} programDateTime ms since the epoch, when the playlist says
 *
 * @typedef {object} MediaPlaylist
 * @property {'media'} kind
 * @property {number} targetDuration
 * @property {number} mediaSequence
 * @property {string | null} map EXT-X-MAP URI
 * @property {number | null} partTarget
 * @property {boolean} canBlockReload
 * @property {number | null} partHoldBack seconds
 * @property {number | null} holdBack seconds
 * @property {boolean} ended
 * @property {Segment[]} segments
 * @property {string | null} preloadHint URI of the next part, when hinted
 *
 * @typedef {object} MultivariantPlaylist
 * @property {'multivariant'} kind
 * @property {string} uri the first variant
 * @property {string | null} codecs
 *
 * @typedef {object} MediaItem what the player appends: a part, or a whole segment whose parts are gone
 * @property {number} msn
 * @property {number} index part index, or -1 for a whole segment
 * @property {string} uri
 * @property {number} duration
 * @property {boolean} independent
 */

const maxLines = 20_000;

/**
 * The attribute list of a tag (RFC 8216 §4.2): `KEY=value,KEY="quoted, with commas"`.
 * @param {string} text
 * @returns {Map<string, string>}
 */
export function parseAttributes(text) {
  const attributes = new Map();
  const pattern = /([A-Z0-9-]+)=("[^"]*"|[^,]*)(?:,|$)/gy;
  let match;
  while (pattern.lastIndex < text.length && (match = pattern.exec(text)) !== null) {
    const value = match[2].startsWith('"') ? match[2].slice(1, -1) : match[2];
    attributes.set(match[1], value);
  }
  return attributes;
}

/** @param {string | undefined} value @returns {number | null} */
function number(value) {
  if (value === undefined || value.trim() === '') return null;
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 ? n : null;
}

/**
 * @param {string} text
 * @returns {MediaPlaylist | MultivariantPlaylist}
 */
export function parsePlaylist(text) {
  if (typeof text !== 'string') throw new PlaylistError('not text');
  const lines = text.split(/\r?\n/, maxLines + 1);
  if (lines.length > maxLines) throw new PlaylistError('too many lines');
  if (lines[0]?.trim() !== '#EXTM3U') throw new PlaylistError('no #EXTM3U header');

  /** @type {MediaPlaylist} */
  const playlist = {
    kind: 'media', targetDuration: 0, mediaSequence: 0, map: null, partTarget: null, canBlockReload: false,
    partHoldBack: null, holdBack: null, ended: false, segments: [], preloadHint: null,
  };
  /** @type {Part[]} */
  let parts = [];
  let pendingDuration = /** @type {number | null} */ (null);
  let pendingDate = /** @type {number | null} */ (null);
  let expectVariantUri = false;
  /** @type {string | null} */
  let variantCodecs = null;
  let msn = 0;
  let sequenceSeen = false;

  for (let i = 1; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    if (!line.startsWith('#')) {
      if (expectVariantUri) return { kind: 'multivariant', uri: line, codecs: variantCodecs };
      if (pendingDuration !== null) {
        playlist.segments.push({ msn, uri: line, duration: pendingDuration, parts, programDateTime: pendingDate });
        msn++;
        parts = [];
        pendingDuration = null;
        pendingDate = null;
      }
      continue;
    }
    const colon = line.indexOf(':');
    const tag = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1);
    switch (tag) {
      case '#EXT-X-STREAM-INF':
        expectVariantUri = true;
        variantCodecs = parseAttributes(value).get('CODECS') ?? null;
        break;
      case '#EXT-X-TARGETDURATION':
        playlist.targetDuration = number(value) ?? 0;
        break;
      case '#EXT-X-MEDIA-SEQUENCE':
        if (!sequenceSeen) {
          playlist.mediaSequence = Math.floor(number(value) ?? 0);
          msn = playlist.mediaSequence;
          sequenceSeen = true;
        }
        break;
      case '#EXT-X-MAP':
        playlist.map = parseAttributes(value).get('URI') ?? null;
        break;
      case '#EXT-X-PART-INF':
        playlist.partTarget = number(parseAttributes(value).get('PART-TARGET'));
        break;
      case '#EXT-X-SERVER-CONTROL': {
        const a = parseAttributes(value);
        playlist.canBlockReload = a.get('CAN-BLOCK-RELOAD') === 'YES';
        playlist.partHoldBack = number(a.get('PART-HOLD-BACK'));
        playlist.holdBack = number(a.get('HOLD-BACK'));
        break;
      }
      case '#EXT-X-SKIP':
        // A delta update: the skipped segments are ones we already have; the numbering continues after them.
        msn += Math.floor(number(parseAttributes(value).get('SKIPPED-SEGMENTS')) ?? 0);
        break;
      case '#EXT-X-PROGRAM-DATE-TIME': {
        const t = Date.parse(value);
        pendingDate = Number.isFinite(t) ? t : null;
        break;
      }
      case '#EXT-X-PART': {
        const a = parseAttributes(value);
        const uri = a.get('URI');
        const duration = number(a.get('DURATION'));
        if (uri && duration !== null && a.get('GAP') !== 'YES') {
          parts.push({ msn, index: parts.length, uri, duration, independent: a.get('INDEPENDENT') === 'YES' });
        }
        break;
      }
      case '#EXTINF':
        pendingDuration = number(value.split(',')[0]) ?? 0;
        break;
      case '#EXT-X-PRELOAD-HINT': {
        const a = parseAttributes(value);
        if (a.get('TYPE') === 'PART' && a.get('URI')) playlist.preloadHint = a.get('URI') ?? null;
        break;
      }
      case '#EXT-X-ENDLIST':
        playlist.ended = true;
        break;
      default:
        break;
    }
  }
  if (expectVariantUri) throw new PlaylistError('a variant without a URI');
  if (parts.length > 0) {
    // The segment being written: only its parts so far.
    playlist.segments.push({ msn, uri: null, duration: 0, parts, programDateTime: pendingDate });
  }
  if (playlist.targetDuration <= 0) throw new PlaylistError('no EXT-X-TARGETDURATION');
  return playlist;
}

/**
 * What can be appended, in order: each segment's parts while the playlist lists them, else the whole segment.
 * @param {MediaPlaylist} playlist
 * @returns {MediaItem[]}
 */
export function mediaItems(playlist) {
  /** @type {MediaItem[]} */
  const items = [];
  for (const segment of playlist.segments) {
    if (segment.parts.length > 0) {
      for (const p of segment.parts) items.push({ msn: p.msn, index: p.index, uri: p.uri, duration: p.duration, independent: p.independent });
    } else if (segment.uri) {
      items.push({ msn: segment.msn, index: -1, uri: segment.uri, duration: segment.duration, independent: true });
    }
  }
  return items;
}

/**
 * Where a player starts: the latest item at least `holdBack` seconds behind the live edge that can be decoded on its
 * own (an independent part or a whole segment); else the oldest item that can.
 * @param {MediaItem[]} items
 * @param {number} holdBack seconds
 * @returns {number} index into items, -1 when there is nothing to start from
 */
export function startIndex(items, holdBack) {
  let behind = 0;
  let fallback = -1;
  for (let i = items.length - 1; i >= 0; i--) {
    behind += items[i].duration;
    if (!items[i].independent) continue;
    fallback = i;
    if (behind >= holdBack) return i;
  }
  return fallback;
}

/**
 * The items after the last one appended. A whole segment after its own parts is taken again (MSE replaces the
 * overlap): it happens only when the player fell so far behind that the playlist stopped listing the parts.
 * @param {MediaItem[]} items
 * @param {{msn: number, index: number}} last
 * @returns {MediaItem[]}
 */
export function itemsAfter(items, last) {
  return items.filter((item) => item.msn > last.msn || (item.msn === last.msn && last.index >= 0 && (item.index > last.index || item.index === -1)));
}

/**
 * The blocking reload for the part after the last one the playlist lists (RFC 8216bis §6.2.5.2: a part index past
 * the segment's last part means part 0 of the next segment). Null when the server cannot block.
 * @param {MediaPlaylist} playlist
 * @returns {{msn: number, part: number} | null}
 */
export function nextBlockingRequest(playlist) {
  if (!playlist.canBlockReload || playlist.segments.length === 0) return null;
  const last = playlist.segments[playlist.segments.length - 1];
  if (last.uri === null) {
    return { msn: last.msn, part: last.parts.length };
  }
  // The last segment is complete: the next part is part 0 of the next segment.
  return playlist.partTarget !== null ? { msn: last.msn + 1, part: 0 } : { msn: last.msn + 1, part: -1 };
}

/**
 * The playlist URL with the blocking-reload query (`_HLS_part` omitted for segment-only playlists).
 * @param {string} base @param {{msn: number, part: number} | null} request
 */
export function blockingUrl(base, request) {
  const url = new URL(base, 'http://x.invalid/');
  url.searchParams.delete('_HLS_msn');
  url.searchParams.delete('_HLS_part');
  if (request) {
    url.searchParams.set('_HLS_msn', String(request.msn));
    if (request.part >= 0) url.searchParams.set('_HLS_part', String(request.part));
  }
  return /^[a-z]+:/i.test(base) ? url.href : url.pathname + url.search;
}
