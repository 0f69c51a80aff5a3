// @ts-check
// #mod-tools: the room-wide moderation controls (slow mode, members-only, emote-only, clear) and the timeout length
// used by the per-message Timeout buttons. Each control sends a `mod` frame; `reflect` shows the room's settings as
// they are now, whoever changed them (another moderator's `mod_event` arrives like ours).
import { h, replace } from '../dom.js';

const slowChoices = [[0, 'Off'], [3, '3 s'], [5, '5 s'], [10, '10 s'], [30, '30 s'], [60, '1 min'], [120, '2 min'], [300, '5 min'], [600, '10 min']];
const timeoutChoices = [[60, '1 minute'], [300, '5 minutes'], [600, '10 minutes'], [3600, '1 hour'], [86400, '1 day'], [604800, '1 week']];

/**
 * @param {HTMLElement} host
 * @param {{mod: (action: string, fields?: Record<string, any>) => Promise<any>}} actions
 */
export function mountModTools(host, actions) {
  const slow = h('select', { id: 'slow-seconds' }, slowChoices.map(([value, label]) => h('option', { value: String(value) }, String(label))));
  const membersOnly = h('input', { type: 'checkbox', id: 'members-only' });
  const emoteOnly = h('input', { type: 'checkbox', id: 'emote-only' });
  const timeout = h('select', { id: 'timeout-seconds' }, timeoutChoices.map(([value, label]) => h('option', { value: String(value), selected: value === 600 }, String(label))));
  const clear = h('button', { type: 'button', id: 'chat-clear', class: 'danger' }, 'Clear chat');
  replace(host, h('details', { id: 'mod-tools', class: 'mod-tools' },
    h('summary', null, 'Moderation'),
    h('div', { class: 'mod-grid' },
      h('label', { for: 'slow-seconds' }, 'Slow mode'), slow,
      h('label', { for: 'timeout-seconds' }, 'Timeout length'), timeout,
      h('label', { class: 'check' }, membersOnly, ' Members only'),
      h('label', { class: 'check' }, emoteOnly, ' Emote only'),
      clear)));
  // Open beside the video; on a narrow screen (chat below the video) it starts folded to leave room for the log.
  /** @type {HTMLDetailsElement} */ (host.firstElementChild).open = window.matchMedia('(min-width: 901px)').matches;

  slow.addEventListener('change', () => void actions.mod('slow', { seconds: Number(slow.value) }));
  membersOnly.addEventListener('change', () => void actions.mod('members_only', { enabled: membersOnly.checked }));
  emoteOnly.addEventListener('change', () => void actions.mod('emote_only', { enabled: emoteOnly.checked }));
  clear.addEventListener('click', () => void actions.mod('clear'));

  return {
    /** @param {import('./state.js').Settings} settings */
    reflect(settings) {
      const value = String(settings.slowSeconds);
      if (![...slow.options].some((o) => o.value === value)) slow.append(h('option', { value }, `${value} s`));
      slow.value = value;
      membersOnly.checked = settings.membersOnly;
      emoteOnly.checked = settings.emoteOnly;
    },
    timeoutSeconds: () => Number(timeout.value) || 600,
  };
}
