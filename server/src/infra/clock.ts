// Time comes from here so that tests can move it (expiry of links, throttling, sessions).
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
