import type { DiagLogger } from '@opentelemetry/api';

/** OTel diagnostics for the CLI: every level goes to stderr, stdout stays the guest's. */
export class StderrDiagLogger implements DiagLogger {
  error = (message: string, ...args: unknown[]): void => this.write(message, args);
  warn = (message: string, ...args: unknown[]): void => this.write(message, args);
  info = (message: string, ...args: unknown[]): void => this.write(message, args);
  debug = (message: string, ...args: unknown[]): void => this.write(message, args);
  verbose = (message: string, ...args: unknown[]): void => this.write(message, args);

  private write(message: string, args: unknown[]): void {
    const extra = args.map((arg) => (arg instanceof Error ? arg.message : typeof arg === 'string' ? arg : safeJson(arg)));
    process.stderr.write([message, ...extra].join(' ') + '\n');
  }
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
