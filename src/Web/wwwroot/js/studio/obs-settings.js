// @ts-check
// The settings an external encoder (OBS 30+, Service "WHIP") needs: the server URL and the stream key. The key is
// stored hashed on the server, so it can only be shown by making a new one, which retires the old one.
import { h, ago } from '../dom.js';
import { api, ApiError } from '../session.js';

/**
 * @param {string} channel
 * @returns {HTMLElement}
 */
export function obsSettings(channel) {
  const serverUrl = `${location.origin}/whip/${channel}`;
  const status = h('p', { id: 'stream-key-status', class: 'notice', role: 'status' });
  const info = h('p', { id: 'stream-key-info', class: 'notice' });
  const keyInput = h('input', {
    id: 'stream-key', type: 'text', readOnly: true, autocomplete: 'off',
    class: 'mono', 'aria-describedby': 'stream-key-warning',
  });
  const keyCopy = h('button', { id: 'stream-key-copy', type: 'button' }, 'Copy key');
  const keyRow = h('div', { class: 'studio-key', hidden: true },
    h('label', { for: 'stream-key' }, 'Stream key (Bearer Token)'),
    h('div', { class: 'copy-row' }, keyInput, keyCopy),
    h('p', { id: 'stream-key-warning', class: 'notice' }, 'Shown once: paste it into OBS now. Anyone with this key can stream on your channel.'));

  const showKey = h('button', { id: 'stream-key-show', type: 'button' }, 'Show new stream key');
  showKey.addEventListener('click', async () => {
    const sure = window.confirm(
      'Make a new stream key?\n\nThe key is only ever shown once, so showing it makes a new one. Your current key stops working: ' +
      'OBS or any other encoder using it cannot go live until you paste the new key.');
    if (!sure) return;
    showKey.disabled = true;
    status.textContent = '';
    try {
      const answer = await api('/api/me/stream-key', { method: 'POST' });
      keyInput.value = answer.streamKey;
      keyRow.hidden = false;
      describe(info, { exists: true, createdAt: answer.createdAt ?? new Date().toISOString() });
      keyInput.focus();
      keyInput.select();
    } catch (error) {
      status.textContent = problemText(error);
    } finally {
      showKey.disabled = false;
    }
  });
  keyCopy.addEventListener('click', () => copy(keyInput, status, 'Stream key copied.'));

  const urlInput = h('input', { id: 'obs-server-url', type: 'text', readOnly: true, value: serverUrl, class: 'mono' });
  const urlCopy = h('button', { id: 'obs-server-url-copy', type: 'button' }, 'Copy URL');
  urlCopy.addEventListener('click', () => copy(urlInput, status, 'Server URL copied.'));

  void loadInfo(info);

  return h('section', { class: 'card studio-obs', 'aria-labelledby': 'obs-heading' },
    h('h2', { id: 'obs-heading' }, 'Stream with OBS'),
    h('p', { class: 'notice' }, 'In OBS 30 or newer: Settings → Stream → Service "WHIP", then the server URL and the stream key as the Bearer Token.'),
    h('label', { for: 'obs-server-url' }, 'Server URL'),
    h('div', { class: 'copy-row' }, urlInput, urlCopy),
    info,
    showKey,
    keyRow,
    status);
}

/** @param {HTMLElement} info */
async function loadInfo(info) {
  try {
    describe(info, await api('/api/me/stream-key'));
  } catch {
    info.textContent = ''; // metadata is a nicety; the buttons work without it
  }
}

/** @param {HTMLElement} info @param {{exists: boolean, createdAt: string | null}} meta */
function describe(info, meta) {
  if (meta.exists && meta.createdAt) {
    const created = new Date(meta.createdAt);
    info.replaceChildren('Your current stream key was made ',
      h('time', { dateTime: created.toISOString(), title: created.toLocaleString() }, ago(created)), '.');
  } else {
    info.textContent = 'You have no stream key yet. Make one to stream from OBS.';
  }
}

/**
 * Copies an input's text; where the clipboard is not available (an older browser, permission refused) the text is
 * selected so the user can copy it by hand.
 * @param {HTMLInputElement} input @param {HTMLElement} status @param {string} done
 */
async function copy(input, status, done) {
  try {
    if (!navigator.clipboard) throw new Error('no clipboard');
    await navigator.clipboard.writeText(input.value);
    status.textContent = done;
  } catch {
    input.focus();
    input.select();
    status.textContent = 'Could not copy automatically: the text is selected, press Ctrl+C (⌘C on a Mac).';
  }
}

/** @param {unknown} error */
function problemText(error) {
  if (error instanceof ApiError) {
    if (error.status === 401) return 'Your session has ended. Sign in again.';
    if (error.status === 403) return 'Only streamers can have a stream key. An administrator must grant you the streamer role.';
    return `The server refused: ${error.message}`;
  }
  return 'Could not reach the server. Check your connection and try again.';
}
