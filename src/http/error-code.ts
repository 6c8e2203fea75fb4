/**
 * `wasi:http/types` `error-code` as jco passes it (`{ tag, val? }`); only the cases this host
 * produces are spelled out.
 */
export type ErrorCode =
  | { tag: 'internal-error'; val: string | undefined }
  | { tag: 'HTTP-request-body-size'; val: bigint | undefined }
  | { tag: 'HTTP-response-body-size'; val: bigint | undefined }
  | { tag: 'HTTP-request-URI-invalid' }
  | { tag: 'HTTP-request-method-invalid' }
  | { tag: 'HTTP-protocol-error' }
  | { tag: 'connection-refused' }
  | { tag: 'connection-timeout' }
  | { tag: 'connection-terminated' }
  | { tag: 'DNS-error'; val: { rcode: string | undefined; infoCode: number | undefined } }
  | { tag: 'HTTP-response-timeout' }
  | { tag: 'destination-not-found' }
  | { tag: string; val?: unknown };

/** One line for an error code the guest gave (`internal-error: boom`), for span status and logs. */
export function errorCodeText(code: unknown): string {
  if (typeof code !== 'object' || code === null || typeof (code as { tag?: unknown }).tag !== 'string') return 'unknown error';
  const { tag, val } = code as { tag: string; val?: unknown };
  if (val === undefined || val === null) return tag;
  if (typeof val === 'object') return `${tag}: ${JSON.stringify(val, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))}`.slice(0, 200);
  return `${tag}: ${String(val)}`.slice(0, 200);
}
