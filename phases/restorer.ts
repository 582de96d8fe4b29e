import { notAvailable } from './not-available.js';

/** The restorer phase (not yet implemented in this build). */
export const command = notAvailable('restorer');
