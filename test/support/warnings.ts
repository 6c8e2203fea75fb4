import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import { afterAll, beforeAll, beforeEach } from 'vitest';

/** The diag warnings and errors (the host's problem reports) of each test of the file that calls this. */
export function collectWarnings(): string[] {
  const warnings: string[] = [];
  const logger: DiagLogger = { error: (m) => warnings.push(m), warn: (m) => warnings.push(m), info: () => {}, debug: () => {}, verbose: () => {} };
  beforeAll(() => {
    diag.setLogger(logger, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
  });
  afterAll(() => diag.disable());
  beforeEach(() => {
    warnings.length = 0;
  });
  return warnings;
}
