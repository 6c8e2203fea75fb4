import { ENABLED_GLOBAL } from '../runtime/instrument/instrument-options.js';
import type { HostTelemetry } from './host-telemetry.js';

/**
 * The in-module switch of a module rewritten by wasm-otel's instrumenter: its exported global
 * `wasm_otel_instrument_enabled`, set to 0 while this host cannot record spans (no tracer
 * provider, an SDK that is off), so the module skips its hook calls altogether, and to 1 while it
 * can. Synced when bound and before every call into the module.
 */
export class InstrumentSwitch {
  private global: WebAssembly.Global | undefined;

  constructor(private readonly telemetry: Pick<HostTelemetry, 'mayTrace' | 'tracingSwitch'>) {}

  /** Finds the switch among the instance's exports (a module without it is left alone). */
  bind(instance: WebAssembly.Instance): void {
    const global = instance.exports[ENABLED_GLOBAL];
    if (!(global instanceof WebAssembly.Global)) return;
    this.global = global;
    this.sync();
  }

  /** 1 while spans can be recorded, else 0. */
  sync(): void {
    const global = this.global;
    if (global === undefined) return;
    const on = this.telemetry.mayTrace && this.telemetry.tracingSwitch.on ? 1 : 0;
    if (global.value !== on) {
      try {
        global.value = on;
      } catch {
        // An immutable or non-i32 global of that name is not ours: leave it.
        this.global = undefined;
      }
    }
  }
}
