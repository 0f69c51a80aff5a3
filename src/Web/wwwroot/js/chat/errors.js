// @ts-check
// The protocol's error codes (docs/chat-protocol.md) in plain words for #chat-status. Pure, so it is unit-tested.

/**
 * @param {{code?: string, message?: string, retryAfterMs?: number}} error
 * @param {{now?: number, maxMessageLength?: number, signedIn?: boolean}} [context]
 * @returns {string}
 */
export function describeError(error, context = {}) {
  const now = context.now ?? Date.now();
  const seconds = Math.max(1, Math.ceil((error.retryAfterMs ?? 0) / 1000));
  switch (error.code) {
    case 'slow_mode': return `Slow mode: you can send again in ${seconds} s`;
    case 'timed_out': return `You are timed out until ${clock(now + (error.retryAfterMs ?? 0))}`;
    case 'banned': return 'You are banned from this chat';
    case 'rate_limited': return `Slow down: too many messages. Try again in ${seconds} s`;
    case 'message_too_long':
      return context.maxMessageLength
        ? `Your message is too long or empty (at most ${context.maxMessageLength} characters)`
        : 'Your message is too long or empty';
    case 'emote_only': return 'Emote-only mode: messages may contain emotes only';
    case 'forbidden': return context.signedIn === false ? 'Sign in to chat' : 'Only members may chat here, or you are not allowed to do that';
    case 'room_closed': return error.message ? `This chat is closed: ${error.message}` : 'This chat is closed';
    case 'room_not_found': return 'This channel has no chat';
    case 'unavailable': return 'The chat did not answer in time; trying again';
    case 'invalid_token': return 'Your session expired: sign in again';
    case 'too_many_rooms': return 'Too many chats open in this window';
    case 'frame_too_large': return 'That message is too large to send';
    default: return `Something went wrong (${error.code ?? 'unknown error'})`;
  }
}

/**
 * "14:05" in the viewer's own time zone.
 * @param {number} epochMs
 */
export function clock(epochMs) {
  return new Date(epochMs).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}
