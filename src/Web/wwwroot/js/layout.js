// @ts-check
// The header every page shares: the brand, where a signed-in user can go, and sign in / out.
import { h, replace } from './dom.js';
import { onSessionChange, hasRole, restore, signOut } from './session.js';

/**
 * Renders the site header and keeps it current with the session. Resolves once the session is restored.
 * @param {{current?: string}} [options] the nav link to mark as the current page
 */
export async function mountLayout(options = {}) {
  const header = document.getElementById('site-header');
  if (!header) throw new Error('page has no #site-header');
  onSessionChange((user) => {
    /** @param {string} href @param {string} label */
    const link = (href, label) => h('a', { href, 'aria-current': options.current === href ? 'page' : null }, label);
    replace(header,
      h('a', { class: 'brand', href: '/' }, h('img', { src: logoUrl(), alt: '', width: 28, height: 28 }), h('span', null, 'CommunityStream')),
      h('nav', { 'aria-label': 'Site' },
        link('/', 'Live'),
        user && (hasRole('streamer') || hasRole('admin')) ? link('/studio', 'Studio') : null,
        user ? link('/account', user.username) : null,
        user
          ? h('button', { type: 'button', class: 'link', onclick: async () => { await signOut(); location.assign('/'); } }, 'Sign out')
          : link(`/login?next=${encodeURIComponent(location.pathname)}`, 'Sign in'),
        user ? null : link('/signup', 'Sign up')));
  });
  await restore();
}

/** The logo's fingerprinted URL, next to this module. */
function logoUrl() {
  return new URL('../img/logo.svg', import.meta.url).pathname;
}
