// @ts-check
// The 404 page a browser gets for an unknown address: the shared header, so the visitor can go on from here.
import { mountLayout } from '../layout.js';

await mountLayout();
