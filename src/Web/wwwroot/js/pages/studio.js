// @ts-check
// /studio: streamers go live from the browser. Signed-out visitors are asked to sign in; signed-in users without the
// streamer (or admin) role are told how to get it.
import { h, $, replace } from '../dom.js';
import { mountLayout } from '../layout.js';
import { onSessionChange } from '../session.js';
import { mountStudio } from '../studio/studio.js';

const main = $('#main');
/** @type {{dispose: () => void} | null} */
let studio = null;
/** @type {string | null} */
let shownFor = null;

await mountLayout({ current: '/studio' });

onSessionChange((user) => {
  // Called again at every token refresh: only a different user or role set changes the page (a live stream keeps going).
  const canStream = !!user && (user.roles.includes('streamer') || user.roles.includes('admin'));
  const key = user ? `${user.username}|${canStream}` : '';
  if (key === shownFor) return;
  shownFor = key;
  studio?.dispose();
  studio = null;
  if (!user) {
    replace(main,
      h('h1', null, 'Studio'),
      h('section', { class: 'card studio-gate', id: 'studio-signed-out' },
        h('p', null, 'Sign in to go live from your browser or to get your OBS settings.'),
        h('p', null, h('a', { class: 'button primary', href: `/login?next=${encodeURIComponent('/studio')}` }, 'Sign in'), ' ',
          h('a', { class: 'button', href: '/signup' }, 'Create an account'))));
  } else if (!canStream) {
    replace(main,
      h('h1', null, 'Studio'),
      h('section', { class: 'card studio-gate', id: 'studio-not-streamer' },
        h('p', null, `You are signed in as ${user.username}, but your account does not have the streamer role yet.`),
        h('p', null, 'Only streamers can go live. An administrator of this site must grant you the streamer role; ',
          'after that, sign out and in again (or reload this page) and the studio opens here.')));
  } else {
    studio = mountStudio(main, user.username);
  }
});
