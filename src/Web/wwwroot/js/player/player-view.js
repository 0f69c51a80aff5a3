// @ts-check
// The player's DOM: the <video> (muted autoplay, so the first frame needs no click), the offline card with the
// channel's last title, and labelled, keyboard-reachable controls: unmute, volume, fullscreen, picture-in-picture
// (only where the browser has it), the stats overlay, and a small label saying how the video arrives (WebRTC or
// HLS). `?playback=hls` in the page's URL forces the HLS fallback.
import { h, replace } from '../dom.js';
import { LivePlayer } from './live-player.js';
import { runStats } from './stats.js';

/**
 * @param {HTMLElement} root the `#player` element
 * @param {{channel: string, token: (force: boolean) => Promise<string | null>}} options
 */
export function mountPlayer(root, options) {
  const video = h('video', { id: 'player-video', class: 'player-video', muted: true, autoplay: true, playsInline: true, 'aria-label': `${options.channel}'s stream` });
  video.muted = true; // the attribute alone does not mute a video created by script
  const offlineTitle = h('p', { class: 'offline-title' });
  const offline = h('div', { id: 'player-offline', class: 'player-offline', hidden: true },
    h('p', { class: 'offline-word' }, 'Offline'), offlineTitle);
  const message = h('p', { class: 'player-message', role: 'status' });
  const unmute = h('button', { type: 'button', id: 'player-unmute', 'aria-pressed': 'false' }, 'Unmute');
  const volume = h('input', { type: 'range', id: 'player-volume', min: '0', max: '1', step: '0.05', value: '1', 'aria-label': 'Volume' });
  const pip = h('button', { type: 'button', id: 'player-pip', hidden: !pictureInPictureAvailable(), 'aria-label': 'Picture in picture', title: 'Picture in picture' }, 'PiP');
  const fullscreen = h('button', { type: 'button', id: 'player-fullscreen' }, 'Fullscreen');
  const statsToggle = h('button', { type: 'button', id: 'player-stats-toggle', 'aria-expanded': 'false', 'aria-controls': 'player-stats' }, 'Stats');
  const stats = h('div', { id: 'player-stats', class: 'player-stats', hidden: true, 'aria-label': 'Stream statistics' });
  const mode = h('span', { id: 'player-mode', class: 'player-mode', title: 'How the video arrives' }, 'WebRTC');
  replace(root, video, offline, message,
    h('div', { class: 'player-controls', role: 'group', 'aria-label': 'Player controls' },
      unmute, h('label', { for: 'player-volume', class: 'visually-hidden' }, 'Volume'), volume,
      h('span', { class: 'spacer' }), mode, statsToggle, pip, fullscreen),
    stats);
  root.setAttribute('data-state', 'connecting');

  const forceHls = new URLSearchParams(location.search).get('playback') === 'hls';
  const player = new LivePlayer(video, { ...options, forceHls });
  const showMode = () => {
    mode.textContent = player.mode === 'hls' ? 'HLS' : 'WebRTC';
    root.setAttribute('data-mode', player.mode);
  };
  player.addEventListener('mode', showMode);
  showMode();

  const syncSound = () => {
    unmute.textContent = video.muted ? 'Unmute' : 'Mute';
    unmute.setAttribute('aria-pressed', String(!video.muted));
    volume.value = String(video.muted ? 0 : video.volume);
  };
  unmute.addEventListener('click', () => {
    video.muted = !video.muted;
    if (!video.muted && video.volume === 0) video.volume = 0.5;
    void video.play().catch(() => {});
  });
  volume.addEventListener('input', () => {
    video.volume = Number(volume.value);
    video.muted = video.volume === 0;
  });
  video.addEventListener('volumechange', syncSound);
  syncSound();
  fullscreen.addEventListener('click', () => {
    if (document.fullscreenElement) void document.exitFullscreen();
    else void root.requestFullscreen?.().catch(() => {});
  });
  document.addEventListener('fullscreenchange', () => {
    fullscreen.textContent = document.fullscreenElement ? 'Exit fullscreen' : 'Fullscreen';
  });
  pip.addEventListener('click', () => {
    if (document.pictureInPictureElement) void document.exitPictureInPicture();
    else void video.requestPictureInPicture().catch(() => {});
  });
  /** @type {(() => void) | null} */
  let stopStats = null;
  statsToggle.addEventListener('click', () => {
    const show = stats.hidden;
    stats.hidden = !show;
    statsToggle.setAttribute('aria-expanded', String(show));
    stopStats?.();
    const hls = () => (player.mode === 'hls' && player.hls
      ? { video, ahead: player.hls.bufferAhead(), holdBack: player.hls.stats.holdBack, bytes: player.hls.stats.bytes, codecs: player.hls.stats.codecs }
      : null);
    stopStats = show ? runStats(stats, () => player.connection(), options.channel, hls) : null;
  });

  player.addEventListener('state', (event) => {
    const { state, message: text } = /** @type {CustomEvent} */ (event).detail;
    root.setAttribute('data-state', state);
    offline.hidden = state !== 'offline';
    message.textContent = state === 'connecting' ? (text || 'Connecting…') : state === 'error' ? text : '';
  });

  return {
    player,
    /** @param {string | null | undefined} title */
    setTitle(title) {
      offlineTitle.textContent = title ?? '';
    },
  };
}

function pictureInPictureAvailable() {
  return 'pictureInPictureEnabled' in document && document.pictureInPictureEnabled;
}
