/** OS adapters: processes, atomic files, time. */
export { writeFileAtomic, tempPathFor } from './atomic-write.js';
export { SpawnProcessRunner, windowsBatchArgv, type ProcessRunner, type ProcessSpec, type ProcessResult } from './process-runner.js';
export { systemClock, NORMALIZED_TIME, parseSourceDateEpoch, type Clock } from './clock.js';
export { createLogger, memoryLogger, LOG_LEVELS, type Logger, type LogLevel } from './logger.js';
export { isRoot, currentIds, chownTree, dropPrivileges } from './privileges.js';
