import type { Command } from '../src/cli/index.js';

/** A lazily loaded phase command (keeps start-up cost to the one phase that runs). */
export type CommandLoader = () => Promise<Command<unknown>>;

/**
 * GEN-13: the phases one binary serves, by argv[0] basename, and the `lifecycle <verb>` fallback verbs.
 * Each phase's entrypoint module exports `command`.
 */
export const PHASES: Record<string, CommandLoader> = {
  analyzer: async () => (await import('./analyzer.js')).command as Command<unknown>,
  detector: async () => (await import('./detector.js')).command as Command<unknown>,
  restorer: async () => (await import('./restorer.js')).command as Command<unknown>,
  builder: async () => (await import('./builder.js')).command as Command<unknown>,
  exporter: async () => (await import('./exporter.js')).command as Command<unknown>,
  creator: async () => (await import('./creator.js')).command as Command<unknown>,
  rebaser: async () => (await import('./rebaser.js')).command as Command<unknown>,
  extender: async () => (await import('./extender.js')).command as Command<unknown>,
};

/** `lifecycle <verb>` → phase name (GEN-13). */
export const VERBS: Record<string, string> = {
  detect: 'detector',
  analyze: 'analyzer',
  restore: 'restorer',
  build: 'builder',
  export: 'exporter',
  rebase: 'rebaser',
  create: 'creator',
  extend: 'extender',
};
