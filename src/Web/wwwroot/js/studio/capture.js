// @ts-check
// What the studio sends: a camera or the screen, and a microphone, at a chosen resolution. Each function returns
// fresh tracks; the caller stops the ones it replaces.

/** @typedef {{id: string, label: string, width: number, height: number}} Resolution */
/** @typedef {{id: string, label: string, bitsPerSecond: number | null}} Bitrate */

/** @type {Resolution[]} */
export const resolutions = [
  { id: '360p', label: '360p (640×360)', width: 640, height: 360 },
  { id: '480p', label: '480p (854×480)', width: 854, height: 480 },
  { id: '720p', label: '720p (1280×720)', width: 1280, height: 720 },
  { id: '1080p', label: '1080p (1920×1080)', width: 1920, height: 1080 },
];

/**
 * Caps on the video encoder. The server's REMB (Media:MaxPublishBitrate) caps it too; the browser follows the lower
 * of the two, so "Server limit" sets no cap of our own.
 * @type {Bitrate[]}
 */
export const bitrates = [
  { id: 'auto', label: 'Server limit', bitsPerSecond: null },
  { id: '1000', label: '1 Mbit/s', bitsPerSecond: 1_000_000 },
  { id: '2500', label: '2.5 Mbit/s', bitsPerSecond: 2_500_000 },
  { id: '4000', label: '4 Mbit/s', bitsPerSecond: 4_000_000 },
  { id: '6000', label: '6 Mbit/s', bitsPerSecond: 6_000_000 },
];

/** @param {string} id */
export function resolutionById(id) {
  return resolutions.find((r) => r.id === id) ?? resolutions[1];
}

/** @param {string} id */
export function bitrateById(id) {
  return bitrates.find((b) => b.id === id) ?? bitrates[0];
}

/** Whether this browser can capture the screen (desktop browsers; not most phones). */
export function canCaptureScreen() {
  return typeof navigator.mediaDevices?.getDisplayMedia === 'function';
}

/** @param {Resolution} resolution */
function videoConstraints(resolution) {
  return { width: { ideal: resolution.width }, height: { ideal: resolution.height }, frameRate: { ideal: 30 } };
}

/**
 * @param {string | null} deviceId the camera, or null for the default
 * @param {Resolution} resolution
 * @returns {Promise<MediaStreamTrack>}
 */
export async function captureCamera(deviceId, resolution) {
  const stream = await navigator.mediaDevices.getUserMedia({
    video: { ...videoConstraints(resolution), ...(deviceId ? { deviceId: { exact: deviceId } } : {}) },
  });
  return stream.getVideoTracks()[0];
}

/**
 * Asks the user for a screen, window or tab. The track ends when the user stops sharing from the browser's UI.
 * @param {Resolution} resolution
 * @returns {Promise<MediaStreamTrack>}
 */
export async function captureScreen(resolution) {
  const stream = await navigator.mediaDevices.getDisplayMedia({ video: videoConstraints(resolution), audio: false });
  const track = stream.getVideoTracks()[0];
  track.contentHint = 'detail'; // text on screen stays sharp; the encoder drops frames before resolution
  return track;
}

/**
 * @param {string | null} deviceId the microphone, or null for the default
 * @returns {Promise<MediaStreamTrack>}
 */
export async function captureMicrophone(deviceId) {
  const stream = await navigator.mediaDevices.getUserMedia({
    audio: { echoCancellation: true, noiseSuppression: true, ...(deviceId ? { deviceId: { exact: deviceId } } : {}) },
  });
  return stream.getAudioTracks()[0];
}

/**
 * The cameras and microphones (labels are empty until the page has been granted one of them).
 * @returns {Promise<{cameras: MediaDeviceInfo[], microphones: MediaDeviceInfo[]}>}
 */
export async function listDevices() {
  const devices = navigator.mediaDevices ? await navigator.mediaDevices.enumerateDevices() : [];
  return {
    cameras: devices.filter((d) => d.kind === 'videoinput' && d.deviceId),
    microphones: devices.filter((d) => d.kind === 'audioinput' && d.deviceId),
  };
}

/**
 * Plain words for a capture failure (getUserMedia / getDisplayMedia).
 * @param {unknown} error
 * @param {'camera' | 'screen' | 'microphone'} what
 */
export function captureErrorText(error, what) {
  const name = error instanceof DOMException ? error.name : '';
  switch (name) {
    case 'NotAllowedError':
      return what === 'screen'
        ? 'Screen sharing was cancelled or blocked.'
        : `The browser was not allowed to use the ${what}. Allow it in the address bar's site settings, then try again.`;
    case 'NotFoundError':
    case 'OverconstrainedError':
      return `No ${what} was found that can do this. Pick another device or a lower resolution.`;
    case 'NotReadableError':
      return `The ${what} is in use by another program or could not be started.`;
    default:
      return `Could not start the ${what}${error instanceof Error && error.message ? `: ${error.message}` : '.'}`;
  }
}

/**
 * Changes a live track's resolution in place (the sender keeps sending it, no new offer).
 * @param {MediaStreamTrack} track
 * @param {Resolution} resolution
 */
export function applyResolution(track, resolution) {
  return track.applyConstraints(videoConstraints(resolution));
}
