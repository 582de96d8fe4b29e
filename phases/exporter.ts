import { notAvailable } from './not-available.js';

/** The exporter phase (not yet implemented in this build). */
export const command = notAvailable('exporter');
