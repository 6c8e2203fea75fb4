/**
 * The attributes of a host span (the span around each call into a guest), so that runs of
 * different guests, exports and builds can be told apart in a backend. The span's name stays
 * the guest's name (the CLI contract).
 */
import type { Attributes } from '@opentelemetry/api';

/** The names of the host span's attributes. */
export const HOST_SPAN_ATTRIBUTES = Object.freeze({
  /** The export called: `nested-spans`, `wasi:cli/run@0.2.0#run`, `_start`. */
  export: 'wasm.export',
  /** The component's or module's name (its file name, or LoadOptions.name). */
  moduleName: 'wasm.module.name',
  /** `component` or `core-module`. */
  moduleKind: 'wasm.module.kind',
  /** sha256 of the component or module bytes, lowercase hex. */
  moduleSha256: 'wasm.module.sha256',
  /** The wasi:otel shape a component was built against (`rc.2`, `main`, ...), and its package version. */
  otelShape: 'wasm.otel.shape',
  otelVersion: 'wasm.otel.version',
  /** The Observe families a core module uses: `api`, `instrument`, `legacy`. */
  observeFamilies: 'wasm.observe.families',
});

export function componentAttributes(name: string, sha256: string, shape: string | undefined, version: string | undefined): Attributes {
  return {
    [HOST_SPAN_ATTRIBUTES.moduleName]: name,
    [HOST_SPAN_ATTRIBUTES.moduleKind]: 'component',
    [HOST_SPAN_ATTRIBUTES.moduleSha256]: sha256,
    ...(shape !== undefined ? { [HOST_SPAN_ATTRIBUTES.otelShape]: shape } : {}),
    ...(version !== undefined ? { [HOST_SPAN_ATTRIBUTES.otelVersion]: version } : {}),
  };
}

export function moduleAttributes(name: string, sha256: string, families: { api: boolean; instrument: boolean; legacy: boolean }): Attributes {
  const used = (['api', 'instrument', 'legacy'] as const).filter((family) => families[family]);
  return {
    [HOST_SPAN_ATTRIBUTES.moduleName]: name,
    [HOST_SPAN_ATTRIBUTES.moduleKind]: 'core-module',
    [HOST_SPAN_ATTRIBUTES.moduleSha256]: sha256,
    [HOST_SPAN_ATTRIBUTES.observeFamilies]: used,
  };
}

export function exportAttribute(name: string): Attributes {
  return { [HOST_SPAN_ATTRIBUTES.export]: name };
}

const IDENTITY = new Set<string>(Object.values(HOST_SPAN_ATTRIBUTES));

/** The attributes without the host span's identity (what the console report leaves out). */
export function withoutHostIdentity(attributes: Attributes): Attributes {
  return Object.fromEntries(Object.entries(attributes).filter(([key]) => !IDENTITY.has(key)));
}
