// @ts-check
import { h, $, replace } from '../dom.js';
import { mountLayout } from '../layout.js';

await mountLayout({ current: location.pathname });
replace($('#main'), h('h1', null, 'Coming soon'));
