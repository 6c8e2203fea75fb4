/**
 * The published shapes of `wasi:otel` this host serves, and how a component's imports say which
 * one it was built against. jco reads imports by unversioned name, so one import object serves
 * them all; the differences are handled per call (typed vs JSON values, one- vs two-argument
 * `on-start`), except one that needs the version: what `current-span-context` means.
 */

/** Package versions we serve, and the shapes published under each. */
export const SUPPORTED_OTEL_VERSIONS: Readonly<Record<string, string>> = Object.freeze({
  '0.2.0-draft': 'draft-2025-03, draft-2025-11, draft-2025-12',
  '0.2.0-rc.1': 'rc.1',
  '0.2.0-rc.2': 'rc.2 and upstream main',
});

/** The interfaces of the package, by the versions that have them. */
const INTERFACES: Readonly<Record<string, readonly string[]>> = Object.freeze({
  types: ['0.2.0-draft', '0.2.0-rc.1', '0.2.0-rc.2'],
  tracing: ['0.2.0-draft', '0.2.0-rc.1', '0.2.0-rc.2'],
  metrics: ['0.2.0-draft', '0.2.0-rc.1', '0.2.0-rc.2'],
  logs: ['0.2.0-draft', '0.2.0-rc.1', '0.2.0-rc.2'],
});

/** What the host needs to know about a component's wasi:otel imports. */
export interface OtelShape {
  /**
   * True when `current-span-context` is draft-2025-03's ("the host's current span": the span
   * around the call); false for main's ("the most recently entered span", guest spans included).
   */
  currentSpanIsHostSpan: boolean;
}

/**
 * Checks the wasi:otel imports of a component (names as jco lists them, e.g.
 * `wasi:otel/tracing@0.2.0-rc.2`). Returns the shape, or a message naming each interface we do
 * not serve and the versions we do.
 */
export function otelShapeOf(imports: readonly string[]): { shape: OtelShape } | { error: string } {
  const unknown: string[] = [];
  let tracingVersion: string | undefined;
  for (const name of imports) {
    const match = /^wasi:otel\/([^@]+)(?:@(.+))?$/.exec(name);
    if (!match) continue;
    const [, iface, version] = match as unknown as [string, string, string | undefined];
    const versions = INTERFACES[iface];
    if (!versions || version === undefined || !versions.includes(version)) {
      unknown.push(name);
      continue;
    }
    if (iface === 'tracing') tracingVersion = version;
  }
  if (unknown.length > 0) {
    const supported = Object.entries(SUPPORTED_OTEL_VERSIONS)
      .map(([version, shapes]) => `${version} (${shapes})`)
      .join(', ');
    return {
      error:
        `imports ${unknown.join(', ')}, which this host does not serve; ` +
        `supported: wasi:otel/{types,tracing,metrics,logs} at ${supported}`,
    };
  }
  return { shape: { currentSpanIsHostSpan: tracingVersion === '0.2.0-draft' } };
}
