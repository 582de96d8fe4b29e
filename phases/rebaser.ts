import { notAvailable } from './not-available.js';

/** The rebaser phase (not yet implemented in this build). */
export const command = notAvailable('rebaser');
