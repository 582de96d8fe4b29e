import { notAvailable } from './not-available.js';

/** The builder phase (not yet implemented in this build). */
export const command = notAvailable('builder');
