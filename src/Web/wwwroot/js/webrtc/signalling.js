// @ts-check
// WHIP and WHEP signalling (RFC 9725 and the WHEP draft) as the server speaks it: one POST with the complete offer
// (our server is ICE-lite and learns the client's address from its checks, so candidates are gathered first and no
// trickle is needed), the answer in the body, the session URL in Location, and a DELETE to end.

export class SignallingError extends Error {
  /** @param {number} status @param {string} message @param {number | null} retryAfter */
  constructor(status, message, retryAfter) {
    super(message);
    this.status = status;
    this.retryAfter = retryAfter;
  }
}

/**
 * Offers `pc`'s current transceivers to `endpoint` (`/whip/{channel}` or `/whep/{channel}`) and applies the answer.
 * @param {RTCPeerConnection} pc
 * @param {string} endpoint
 * @param {{token?: string | null, signal?: AbortSignal, gatherTimeoutMs?: number}} [options]
 * @returns {Promise<{session: string}>} the session URL (for DELETE)
 */
export async function negotiate(pc, endpoint, options = {}) {
  await pc.setLocalDescription(await pc.createOffer());
  await gathered(pc, options.gatherTimeoutMs ?? 2000);
  /** @type {Record<string, string>} */
  const headers = { 'Content-Type': 'application/sdp' };
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  const response = await fetch(endpoint, {
    method: 'POST',
    headers,
    body: pc.localDescription?.sdp ?? '',
    signal: options.signal,
    credentials: 'same-origin',
  });
  if (response.status !== 201) {
    let message = `HTTP ${response.status}`;
    try {
      const problem = await response.json();
      message = problem.detail || problem.title || message;
    } catch {
      // not a problem body
    }
    const retryAfter = Number(response.headers.get('Retry-After'));
    throw new SignallingError(response.status, message, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null);
  }
  const location = response.headers.get('Location');
  if (!location) throw new SignallingError(response.status, 'the server answered without a session URL', null);
  const session = new URL(location, window.location.href).pathname;
  try {
    await pc.setRemoteDescription({ type: 'answer', sdp: await response.text() });
  } catch (error) {
    // Cancelled (or a bad answer) after the server made the session: end it now rather than at its ICE timeout.
    void hangUp(session, { token: options.token });
    throw error;
  }
  return { session };
}

/**
 * Ends a session. Failure is not an error for the caller: the server also ends sessions whose media stopped.
 * @param {string | null | undefined} session
 * @param {{token?: string | null, keepalive?: boolean}} [options]
 */
export async function hangUp(session, options = {}) {
  if (!session) return;
  /** @type {Record<string, string>} */
  const headers = {};
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  try {
    await fetch(session, { method: 'DELETE', headers, keepalive: options.keepalive ?? false, credentials: 'same-origin' });
  } catch {
    // offline or the page is going away: consent freshness ends the session on the server
  }
}

/**
 * Resolves when ICE gathering is complete, or after `timeoutMs` with whatever was gathered (loopback and host
 * candidates come at once; a slow STUN server must not hold the viewer back).
 * @param {RTCPeerConnection} pc
 * @param {number} timeoutMs
 */
function gathered(pc, timeoutMs) {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      pc.removeEventListener('icegatheringstatechange', check);
      clearTimeout(timer);
      resolve(undefined);
    };
    const check = () => {
      if (pc.iceGatheringState === 'complete') done();
    };
    const timer = setTimeout(done, timeoutMs);
    pc.addEventListener('icegatheringstatechange', check);
  });
}
