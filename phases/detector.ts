import { notAvailable } from './not-available.js';

/** The detector phase (not yet implemented in this build). */
export const command = notAvailable('detector');
