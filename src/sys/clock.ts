import { LifecycleError } from '../errors/index.js';

/** A time source; injected so phases and tests agree on "now". */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** EP-20: the constant creation time used when SOURCE_DATE_EPOCH is unset (1980-01-01T00:00:01Z). */
export const NORMALIZED_TIME = new Date(Date.UTC(1980, 0, 1, 0, 0, 1));

/** Parses SOURCE_DATE_EPOCH (seconds since the epoch); throws ERR_INVALID_ARGS on a non-integer. */
export function parseSourceDateEpoch(value: string | undefined): Date | undefined {
  if (value === undefined || value === '') return undefined;
  if (!/^\d+$/.test(value)) throw new LifecycleError('ERR_INVALID_ARGS', `invalid SOURCE_DATE_EPOCH '${value}'`);
  return new Date(Number(value) * 1000);
}
