import { notAvailable } from './not-available.js';

/** The creator phase (not yet implemented in this build). */
export const command = notAvailable('creator');
