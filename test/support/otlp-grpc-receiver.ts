/**
 * Test-support OTLP/gRPC receiver: a `@grpc/grpc-js` server on 127.0.0.1 that serves the three
 * OTLP collector services (`TraceService`, `MetricsService`, `LogsService`, each `Export`) and
 * decodes every request with the OFFICIAL OTLP schema, as the OTLP/HTTP receiver does (see
 * otlp-receiver.ts: same schema, same exact 64-bit values, same span shape, same API), so tests
 * of both transports read alike and share the helpers of otlp-signals.ts.
 *
 * A request is recorded with `path` = the gRPC method (e.g.
 * `/opentelemetry.proto.collector.trace.v1.TraceService/Export`), `contentType` =
 * `application/grpc`, `encoding` = `protobuf` and `headers` = the call's metadata. A request the
 * schema cannot decode is answered with INVALID_ARGUMENT and listed in `errors` (status = the gRPC
 * status code).
 */
import { Server, ServerCredentials, status as GrpcStatus, type Metadata, type ServiceDefinition, type UntypedServiceImplementation, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import { decodeProtobufRequest, emptyProtobufResponse, RequestLog, spansOf, type DecodedOtlpMessage, type OtlpReceiver, type OtlpSignal, type OtlpSpan } from './otlp-receiver.js';

/** The gRPC method of each signal's collector service. */
export const OTLP_GRPC_METHODS: Record<OtlpSignal, string> = {
  traces: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
  metrics: '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export',
  logs: '/opentelemetry.proto.collector.logs.v1.LogsService/Export',
};

/** How a misbehaving collector answers one call: a gRPC status, no answer at all, or a delay before the normal answer. */
export type GrpcReceiverFault = { kind: 'status'; code: GrpcStatus; details?: string } | { kind: 'hang' } | { kind: 'delay'; ms: number };

export interface GrpcReceiverOptions {
  /** Called for every call (`attempt` counts calls of that signal from 1); undefined answers normally. */
  fault?: (request: { signal: OtlpSignal; attempt: number }) => GrpcReceiverFault | undefined;
  /** The port to listen on (default: an ephemeral one). */
  port?: number;
  /** Serve TLS with this key and certificate (PEM); the endpoint is then `https://`. */
  tls?: { key: Buffer; cert: Buffer };
}

/** What requestDeserialize makes of a message: the official schema's decoding, or why it failed. */
type Decoded = { raw: Buffer; decoded: DecodedOtlpMessage; spans: OtlpSpan[] } | { raw: Buffer; error: string };

function decoderFor(signal: OtlpSignal): (raw: Buffer) => Decoded {
  return (raw) => {
    try {
      const decoded = decodeProtobufRequest(signal, raw);
      return { raw, decoded, spans: spansOf(signal, decoded) };
    } catch (error) {
      return { raw, error: (error as Error).message };
    }
  };
}

function serviceFor(signal: OtlpSignal): ServiceDefinition {
  return {
    Export: {
      path: OTLP_GRPC_METHODS[signal],
      requestStream: false,
      responseStream: false,
      requestSerialize: (value: Buffer) => value,
      requestDeserialize: decoderFor(signal),
      responseSerialize: (value: Uint8Array) => Buffer.from(value),
      responseDeserialize: (value: Buffer) => value,
    },
  };
}

function headersOf(metadata: Metadata): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata.getMap())) out[key] = typeof value === 'string' ? value : value.toString('base64');
  return out;
}

/** Start an OTLP/gRPC receiver on 127.0.0.1; `endpoint` is `http://127.0.0.1:<port>` (or `https://` with `tls`). */
export async function startOtlpGrpcReceiver(options: GrpcReceiverOptions = {}): Promise<OtlpReceiver> {
  const log = new RequestLog();
  const attempts = new Map<OtlpSignal, number>();
  const server = new Server();

  for (const signal of Object.keys(OTLP_GRPC_METHODS) as OtlpSignal[]) {
    const path = OTLP_GRPC_METHODS[signal];
    const implementation: UntypedServiceImplementation = {
      Export: (call: ServerUnaryCall<Decoded, Uint8Array>, callback: sendUnaryData<Uint8Array>) => {
        const attempt = (attempts.get(signal) ?? 0) + 1;
        attempts.set(signal, attempt);
        const fault = options.fault?.({ signal, attempt });
        if (fault?.kind === 'hang') return;
        if (fault?.kind === 'status') {
          callback({ code: fault.code, details: fault.details ?? `injected ${GrpcStatus[fault.code]}` });
          return;
        }
        const answer = (): void => {
          const request = call.request;
          if ('error' in request) {
            const message = `cannot decode protobuf ${path}: ${request.error}`;
            log.errors.push({ method: 'POST', path, contentType: 'application/grpc', status: GrpcStatus.INVALID_ARGUMENT, message });
            callback({ code: GrpcStatus.INVALID_ARGUMENT, details: message });
            return;
          }
          const headers = headersOf(call.metadata);
          log.add(
            { signal, path, contentType: 'application/grpc', encoding: 'protobuf', contentEncoding: '', headers, body: new Uint8Array(request.raw), decoded: request.decoded },
            request.spans,
          );
          callback(null, emptyProtobufResponse(signal));
        };
        if (fault?.kind === 'delay') setTimeout(answer, fault.ms);
        else answer();
      },
    };
    server.addService(serviceFor(signal), implementation);
  }

  const credentials = options.tls ? ServerCredentials.createSsl(null, [{ private_key: options.tls.key, cert_chain: options.tls.cert }]) : ServerCredentials.createInsecure();
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`127.0.0.1:${options.port ?? 0}`, credentials, (error, bound) => (error ? reject(error) : resolve(bound)));
  });
  return log.receiver(`${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`, async () => {
    server.forceShutdown();
  });
}
