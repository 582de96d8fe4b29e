import { notAvailable } from './not-available.js';

/** The extender phase (not yet implemented in this build). */
export const command = notAvailable('extender');
