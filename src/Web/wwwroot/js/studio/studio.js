// @ts-check
// The studio of one streamer: sources and preview, going live over WHIP with the account's access token, the
// stream title, live figures once a second, and the OBS settings.
import { h, replace } from '../dom.js';
import { api, ApiError, token } from '../session.js';
import { SignallingError } from '../webrtc/signalling.js';
import * as capture from './capture.js';
import { obsSettings } from './obs-settings.js';
import { Publisher } from './publisher.js';
import { SentStats, formatBitrate } from './sent-stats.js';

/** @typedef {import('./publisher.js').PublishState} PublishState */

const stateText = { offline: 'Offline', connecting: 'Connecting…', live: 'Live', reconnecting: 'Reconnecting…' };

/**
 * Renders the studio into `main` for `username` and runs it until `dispose()`.
 * @param {HTMLElement} main
 * @param {string} username
 * @returns {{dispose: () => void}}
 */
export function mountStudio(main, username) {
  const channel = username.toLowerCase();
  /** @type {MediaStreamTrack | null} */
  let video = null;
  /** @type {MediaStreamTrack | null} */
  let audio = null;
  let liveElsewhere = false;
  let ignoreServerLiveUntil = 0;
  let disposed = false;

  // ---- elements
  const preview = h('video', { id: 'studio-preview', muted: true, autoplay: true, playsInline: true, 'aria-label': 'Preview of what you send' });
  preview.muted = true; // the property, not only the attribute: never play our own microphone back
  const state = h('span', { id: 'studio-state', class: 'studio-state', 'data-state': 'offline' }, 'Offline');
  const message = h('p', { id: 'studio-message', role: 'status', class: 'studio-message' });
  const elsewhere = h('p', { id: 'studio-elsewhere', class: 'notice', hidden: true },
    'Your channel is live from another encoder (OBS, another tab or browser). End that stream to go live here.');
  const goLive = h('button', { id: 'go-live', type: 'button', class: 'primary' }, 'Go live');
  const endStream = h('button', { id: 'end-stream', type: 'button', class: 'danger', disabled: true }, 'End stream');
  const watchLink = h('a', { href: `/c/${channel}`, target: '_blank', rel: 'noopener' }, 'Open your channel page');

  const viewers = h('dd', { id: 'studio-viewers' }, '—');
  const bitrateSent = h('dd', { id: 'studio-bitrate-sent' }, '—');
  const videoSent = h('dd', { id: 'studio-video-sent' }, '—');
  const delay = h('dd', { id: 'studio-delay' }, '—');
  const estimate = h('dd', { id: 'studio-estimate' }, '—');

  const source = select('studio-source', [['camera', 'Camera'], ['screen', 'Screen, window or tab']]);
  if (!capture.canCaptureScreen()) {
    /** @type {HTMLOptionElement} */ (source.options[1]).disabled = true;
  }
  const camera = select('studio-camera', [['', 'Default camera']]);
  const microphone = select('studio-microphone', [['', 'Default microphone']]);
  const resolution = select('studio-resolution', capture.resolutions.map((r) => [r.id, r.label]));
  resolution.value = '720p';
  const bitrate = select('studio-bitrate', capture.bitrates.map((b) => [b.id, b.label]));
  bitrate.value = '2500';

  const title = h('input', { id: 'studio-title', type: 'text', maxLength: 140, autocomplete: 'off', placeholder: 'What are you streaming?' });
  const titleSave = h('button', { id: 'studio-title-save', type: 'submit' }, 'Save title');
  const titleStatus = h('p', { id: 'studio-title-status', role: 'status', class: 'notice' });
  const titleForm = h('form', { id: 'studio-title-form', class: 'studio-title', novalidate: true },
    h('label', { for: 'studio-title' }, 'Stream title'),
    h('div', { class: 'copy-row' }, title, titleSave),
    titleStatus);

  replace(main,
    h('h1', null, 'Studio'),
    h('div', { class: 'studio' },
      h('section', { class: 'card studio-stage', 'aria-labelledby': 'stage-heading' },
        h('h2', { id: 'stage-heading', class: 'visually-hidden' }, 'Preview and controls'),
        h('div', { class: 'studio-preview-box' }, preview),
        h('div', { class: 'studio-controls' }, state, goLive, endStream, watchLink),
        message,
        elsewhere,
        h('dl', { class: 'studio-stats', 'aria-label': 'Live figures' },
          h('div', null, h('dt', null, 'Viewers'), viewers),
          h('div', null, h('dt', null, 'Bitrate sent'), bitrateSent),
          h('div', null, h('dt', null, 'Video sent'), videoSent),
          h('div', null, h('dt', { title: 'Median (and 99th percentile) of the server\'s time to forward a packet to every viewer' }, 'Server delay'), delay),
          h('div', null, h('dt', { title: 'What the connection to the server allows now (it follows the server\'s limit)' }, 'Bandwidth estimate'), estimate))),
      h('section', { class: 'card studio-setup', 'aria-labelledby': 'setup-heading' },
        h('h2', { id: 'setup-heading' }, 'Stream'),
        titleForm,
        h('h2', null, 'Sources'),
        h('label', { for: 'studio-source' }, 'Video source'), source,
        h('label', { for: 'studio-camera' }, 'Camera'), camera,
        h('label', { for: 'studio-microphone' }, 'Microphone'), microphone,
        h('label', { for: 'studio-resolution' }, 'Resolution'), resolution,
        h('label', { for: 'studio-bitrate' }, 'Video bitrate'), bitrate),
      obsSettings(channel)));

  // ---- publishing
  const sent = new SentStats();
  const publisher = new Publisher({
    endpoint: `/whip/${channel}`,
    token,
    onState: (next, error) => {
      if (next === 'offline') ignoreServerLiveUntil = Date.now() + 5000; // our own ended session may linger a moment
      if (next === 'live') say('You are live.');
      if (next === 'reconnecting') say('The connection to the server was lost. Reconnecting…');
      if (next === 'offline' && error) say(goLiveErrorText(error), true);
      if (next !== 'live') sent.reset();
      renderState();
    },
  });

  function renderState() {
    const current = publisher.state;
    const shown = current === 'offline' && liveElsewhere ? 'live' : current;
    state.textContent = stateText[shown];
    state.dataset.state = shown;
    elsewhere.hidden = !(current === 'offline' && liveElsewhere);
    goLive.disabled = current !== 'offline' || liveElsewhere;
    endStream.disabled = current === 'offline';
    if (current === 'offline') {
      bitrateSent.textContent = '—';
      videoSent.textContent = '—';
      estimate.textContent = '—';
    }
  }

  goLive.addEventListener('click', async () => {
    goLive.disabled = true;
    say('Starting…');
    if (!video || video.readyState === 'ended') await startSources();
    if (!video) {
      renderState();
      return; // startSources said why
    }
    try {
      await publisher.start({ audio, video }, capture.bitrateById(bitrate.value).bitsPerSecond);
      if (!audio) say('Live without sound: the microphone could not be started.', true);
    } catch (error) {
      say(goLiveErrorText(error), true);
    }
    renderState();
  });

  endStream.addEventListener('click', async () => {
    endStream.disabled = true;
    say('Ending the stream…');
    await publisher.stop();
    say('The stream has ended.');
  });

  // ---- sources
  async function startSources() {
    await switchVideo(source.value === 'screen' ? 'screen' : 'camera');
    if (!audio) {
      try {
        setAudio(await capture.captureMicrophone(microphone.value || null));
      } catch (error) {
        say(capture.captureErrorText(error, 'microphone'), true);
      }
    }
    await refreshDevices();
  }

  /** @param {'camera' | 'screen'} kind */
  async function switchVideo(kind) {
    const wanted = capture.resolutionById(resolution.value);
    try {
      const track = kind === 'screen' ? await capture.captureScreen(wanted) : await capture.captureCamera(camera.value || null, wanted);
      await setVideo(track, kind);
      return true;
    } catch (error) {
      say(capture.captureErrorText(error, kind), true);
      return false;
    }
  }

  /** @param {MediaStreamTrack} track @param {'camera' | 'screen'} kind */
  async function setVideo(track, kind) {
    if (disposed) {
      track.stop();
      return;
    }
    const old = video;
    video = track;
    preview.srcObject = new MediaStream([track]);
    track.addEventListener('ended', () => {
      if (video !== track || disposed) return;
      // The user stopped sharing from the browser's own bar, or the camera was unplugged.
      say(kind === 'screen' ? 'Screen sharing stopped: back to the camera.' : 'The camera stopped: switching to another one.', true);
      source.value = 'camera';
      camera.disabled = false;
      if (kind === 'camera') camera.value = ''; // that camera is gone: the default one
      void switchVideo('camera');
    });
    if (publisher.publishing) await publisher.replaceTrack('video', track);
    if (old && old !== track) old.stop();
  }

  /** @param {MediaStreamTrack} track */
  async function setAudio(track) {
    if (disposed) {
      track.stop();
      return;
    }
    const old = audio;
    audio = track;
    if (publisher.publishing) await publisher.replaceTrack('audio', track);
    if (old && old !== track) old.stop();
  }

  async function refreshDevices() {
    try {
      const { cameras, microphones } = await capture.listDevices();
      fill(camera, cameras, 'Camera', video?.getSettings().deviceId);
      fill(microphone, microphones, 'Microphone', audio?.getSettings().deviceId);
    } catch {
      // enumerateDevices is not available (insecure context): the defaults stay
    }
  }

  source.addEventListener('change', async () => {
    const kind = source.value === 'screen' ? 'screen' : 'camera';
    camera.disabled = kind === 'screen';
    if (!(await switchVideo(kind))) {
      source.value = 'camera';
      camera.disabled = false;
    } else {
      say(kind === 'screen' ? 'Sending your screen.' : 'Sending your camera.');
    }
  });
  camera.addEventListener('change', () => void switchVideo('camera'));
  microphone.addEventListener('change', async () => {
    try {
      await setAudio(await capture.captureMicrophone(microphone.value || null));
    } catch (error) {
      say(capture.captureErrorText(error, 'microphone'), true);
    }
  });
  resolution.addEventListener('change', async () => {
    if (!video) return;
    try {
      await capture.applyResolution(video, capture.resolutionById(resolution.value));
    } catch {
      await switchVideo(source.value === 'screen' ? 'screen' : 'camera'); // the device needs a fresh capture
    }
  });
  bitrate.addEventListener('change', async () => {
    try {
      await publisher.setMaxBitrate(capture.bitrateById(bitrate.value).bitsPerSecond);
    } catch (error) {
      say(`Could not change the bitrate: ${error instanceof Error ? error.message : error}`, true);
    }
  });
  navigator.mediaDevices?.addEventListener('devicechange', refreshDevices);

  // ---- title
  titleForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    titleSave.disabled = true;
    titleStatus.textContent = '';
    titleStatus.classList.remove('error');
    try {
      const summary = await api(`/api/streams/${channel}`, { method: 'PATCH', json: { title: title.value.trim() } });
      title.value = summary.title ?? title.value;
      titleStatus.textContent = 'Title saved.';
    } catch (error) {
      titleStatus.classList.add('error');
      titleStatus.textContent = error instanceof ApiError
        ? (error.problem.errors?.title?.[0] ?? (error.status === 403 ? 'Only the channel\'s owner or an administrator may change the title.' : error.message))
        : 'Could not reach the server. Check your connection and try again.';
    } finally {
      titleSave.disabled = false;
    }
  });

  // ---- figures: the server's view of the stream, and what this browser sends
  let titleLoaded = false;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  async function tick() {
    if (disposed) return;
    try {
      if (publisher.publishing) await publisher.freshToken(); // keeps a current token for the DELETE on pagehide
      const summary = await api(`/api/streams/${channel}`, { anonymous: true });
      if (!titleLoaded && document.activeElement !== title) {
        title.value = summary.title ?? '';
        titleLoaded = true;
      }
      liveElsewhere = !!summary.live && !publisher.publishing && Date.now() > ignoreServerLiveUntil;
      viewers.textContent = summary.live ? String(summary.viewers) : '—';
      const quality = summary.live ? summary.quality : null;
      delay.textContent = quality && quality.packetsReceived > 0
        ? `${round(quality.forwardingDelayP50Milliseconds)} ms (p99 ${round(quality.forwardingDelayP99Milliseconds)} ms)`
        : '—';
    } catch {
      viewers.textContent = '—';
      delay.textContent = '—';
    }
    const pc = publisher.pc;
    if (pc && publisher.state === 'live') {
      try {
        const sample = await sent.sample(pc);
        bitrateSent.textContent = formatBitrate(sample.bitsPerSecond);
        if (sample.width && sample.height) {
          // The encoder lowers resolution or frame rate when the CPU or the bandwidth estimate cannot keep up.
          replace(videoSent, `${sample.width}×${sample.height}, ${Math.round(sample.fps ?? 0)} fps`,
            sample.limitation ? h('small', { class: 'studio-limited' }, `held back by ${sample.limitation === 'cpu' ? 'CPU' : sample.limitation}`) : null);
        } else {
          videoSent.textContent = '—';
        }
        estimate.textContent = formatBitrate(sample.estimate);
      } catch {
        // the connection closed between the check and getStats
      }
    }
    renderState();
    timer = setTimeout(tick, publisher.publishing ? 1000 : 3000);
  }

  // ---- leaving
  /** @param {BeforeUnloadEvent} event */
  const beforeUnload = (event) => {
    if (!publisher.publishing) return;
    event.preventDefault();
    event.returnValue = ''; // older browsers need a value to ask
  };
  const pageHide = () => publisher.leave();
  window.addEventListener('beforeunload', beforeUnload);
  window.addEventListener('pagehide', pageHide);

  /** @param {string} text @param {boolean} [problem] */
  function say(text, problem = false) {
    message.textContent = text;
    message.classList.toggle('error', problem);
  }

  renderState();
  void tick();
  void startSources();

  return {
    dispose() {
      disposed = true;
      clearTimeout(timer);
      window.removeEventListener('beforeunload', beforeUnload);
      window.removeEventListener('pagehide', pageHide);
      navigator.mediaDevices?.removeEventListener('devicechange', refreshDevices);
      void publisher.stop();
      video?.stop();
      audio?.stop();
    },
  };
}

/**
 * @param {string} id
 * @param {string[][]} options [value, label] pairs
 * @returns {HTMLSelectElement}
 */
function select(id, options) {
  return h('select', { id }, options.map(([value, label]) => h('option', { value }, label)));
}

/**
 * Refills a device picker, keeping the device in use selected.
 * @param {HTMLSelectElement} picker @param {MediaDeviceInfo[]} devices @param {string} kind @param {string | undefined} current
 */
function fill(picker, devices, kind, current) {
  const chosen = current ?? picker.value;
  replace(picker, devices.length === 0
    ? h('option', { value: '' }, `Default ${kind.toLowerCase()}`)
    : devices.map((device, i) => h('option', { value: device.deviceId }, device.label || `${kind} ${i + 1}`)));
  if (devices.some((d) => d.deviceId === chosen)) picker.value = chosen;
}

/** @param {number} value */
function round(value) {
  return value < 10 ? value.toFixed(1) : String(Math.round(value));
}

/**
 * Why going live failed, in plain words.
 * @param {unknown} error
 */
export function goLiveErrorText(error) {
  if (error instanceof SignallingError) {
    switch (error.status) {
      case 401:
        return 'The server did not accept your sign-in for streaming. Sign in again, then go live.';
      case 403:
        return 'This account may not stream on this channel. An administrator must grant you the streamer role.';
      case 404:
        return 'This channel cannot go live: the account is disabled or is not a streamer\'s.';
      case 409:
        return 'Your channel is already live, from OBS, another tab or another browser. End that stream first (a stream that just dropped ends by itself within about 10 seconds).';
      case 503:
        return `The stream service is busy or not answering. Try again${error.retryAfter ? ` in ${error.retryAfter} s` : ' in a moment'}.`;
      case 400:
      case 413:
      case 415:
        return `The server could not use this browser's offer: ${error.message}`;
      default:
        return `Going live failed: ${error.message}`;
    }
  }
  if (error instanceof TypeError) return 'Could not reach the server. Check your connection and try again.';
  if (error instanceof Error && error.message === 'lost') {
    return 'The connection to the server was lost and could not be restored. Press Go live to try again.';
  }
  return `Going live failed: ${error instanceof Error ? error.message : String(error)}`;
}
