// @ts-check
// Chat text into parts the view turns into nodes: plain text, emotes (`:name:` of the server's set) and @mentions.
// No DOM here, and never HTML: the view makes text nodes and <img> elements from these parts.

/** @typedef {{kind: 'text', text: string} | {kind: 'emote', name: string, url: string} | {kind: 'mention', name: string, me: boolean}} Part */

const token = /:([A-Za-z0-9_]{1,32}):|@([A-Za-z0-9_]{1,25})/g;

/**
 * @param {string} text
 * @param {Map<string, string>} emotes name → image URL
 * @param {string | null} me our username (mentions of it are marked)
 * @returns {Part[]}
 */
export function parseText(text, emotes, me) {
  /** @type {Part[]} */
  const parts = [];
  const mine = me ? me.toLowerCase() : null;
  let last = 0;
  const push = (/** @type {string} */ plain) => {
    if (!plain) return;
    const previous = parts[parts.length - 1];
    if (previous && previous.kind === 'text') previous.text += plain;
    else parts.push({ kind: 'text', text: plain });
  };
  for (const match of text.matchAll(token)) {
    const at = match.index ?? 0;
    const [whole, emote, mention] = match;
    if (emote !== undefined) {
      const url = emotes.get(emote);
      if (!url) continue; // not an emote we know: stays text
      push(text.slice(last, at));
      parts.push({ kind: 'emote', name: emote, url });
    } else {
      // A mention starts a word: "mail@host" is not one.
      if (at > 0 && /[A-Za-z0-9_]/.test(text[at - 1])) continue;
      push(text.slice(last, at));
      parts.push({ kind: 'mention', name: mention, me: mine !== null && mention.toLowerCase() === mine });
    }
    last = at + whole.length;
  }
  push(text.slice(last));
  return parts;
}

/**
 * Whether the text mentions `me`.
 * @param {string} text @param {string | null} me
 */
export function mentions(text, me) {
  return parseText(text, new Map(), me).some((p) => p.kind === 'mention' && p.me);
}
