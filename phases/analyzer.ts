import { notAvailable } from './not-available.js';

/** The analyzer phase (not yet implemented in this build). */
export const command = notAvailable('analyzer');
