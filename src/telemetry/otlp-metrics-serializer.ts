import type { Attributes, HrTime } from '@opentelemetry/api';
import { JsonMetricsSerializer, ProtobufMetricsSerializer, type IExportMetricsServiceResponse, type ISerializer } from '@opentelemetry/otlp-transformer';
// The SDK's own mapping of ResourceMetrics onto the OTLP message model, with the encoders for
// OTLP/JSON (hex ids, string times) and for protobuf (binary ids, 64-bit times as long bits).
// Internal modules of the pinned version: the package has no exports map, so they resolve.
import { toAttributes } from '@opentelemetry/otlp-transformer/build/src/common/internal.js';
import { JSON_ENCODER, PROTOBUF_ENCODER, toLongBits } from '@opentelemetry/otlp-transformer/build/src/common/utils.js';
import { createExportMetricsServiceRequest } from '@opentelemetry/otlp-transformer/build/src/metrics/internal.js';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
// The official OTLP protobuf schema, compiled by protobufjs (the static module the OTel JS
// transformer shipped up to 0.57; later versions serialize by hand and write no exemplars).
import otlpRoot from 'otlp-transformer-057/build/src/generated/root.js';
import type { GuestExemplar, GuestExponentialHistogramPoint, GuestNumber, GuestNumberPoint } from '../engine/index.js';

type Encoder = typeof JSON_ENCODER;
type OtlpObject = Record<string, unknown>;

interface ProtobufType {
  encode(message: unknown): { finish(): Uint8Array };
}
const ExportMetricsServiceRequest = (otlpRoot as unknown as {
  opentelemetry: { proto: { collector: { metrics: { v1: { ExportMetricsServiceRequest: ProtobufType } } } } };
}).opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;

/**
 * OTLP serializers for guest metrics: the OTel JS SDK's mapping of each metric, plus what guests
 * send that the SDK's own metrics never have (see engine/metric-report.ts): exemplars, the zero
 * threshold of exponential histograms, exact 64-bit integer values, gauges without a start time.
 */
export const GuestMetricsProtobufSerializer: ISerializer<ResourceMetrics, IExportMetricsServiceResponse> = {
  serializeRequest(metrics) {
    const request = createExportMetricsServiceRequest([metrics], PROTOBUF_ENCODER);
    addGuestExtras(request, metrics, PROTOBUF_ENCODER, protobufInt);
    return ExportMetricsServiceRequest.encode(request).finish();
  },
  deserializeResponse: (data) => ProtobufMetricsSerializer.deserializeResponse(data),
};

export const GuestMetricsJsonSerializer: ISerializer<ResourceMetrics, IExportMetricsServiceResponse> = {
  serializeRequest(metrics) {
    const request = createExportMetricsServiceRequest([metrics], JSON_ENCODER);
    addGuestExtras(request, metrics, JSON_ENCODER, (value) => value.toString());
    return new TextEncoder().encode(JSON.stringify(request));
  },
  deserializeResponse: (data) => JsonMetricsSerializer.deserializeResponse(data),
};

function protobufInt(value: bigint): unknown {
  return toLongBits(BigInt.asUintN(64, value));
}

/** Walks the OTLP request beside the data it came from (same order) and adds the guest's extras. */
function addGuestExtras(request: { resourceMetrics: unknown[] }, metrics: ResourceMetrics, encoder: Encoder, int: (value: bigint) => unknown): void {
  const scopes = (request.resourceMetrics[0] as { scopeMetrics: { metrics: OtlpObject[] }[] }).scopeMetrics;
  metrics.scopeMetrics.forEach((scope, i) => {
    scope.metrics.forEach((metric, j) => {
      const otlp = scopes[i]!.metrics[j]!;
      const body = (otlp.sum ?? otlp.gauge ?? otlp.histogram ?? otlp.exponentialHistogram) as { dataPoints: OtlpObject[] };
      metric.dataPoints.forEach((point, k) => {
        const out = body.dataPoints[k]!;
        const extras = point as GuestNumberPoint;
        if (extras.exactValue) {
          delete out.asInt;
          delete out.asDouble;
          setNumber(out, extras.exactValue, int);
        }
        if (extras.noStartTime) delete out.startTimeUnixNano;
        const threshold = (point as GuestExponentialHistogramPoint).value.zeroThreshold;
        if (typeof threshold === 'number' && threshold !== 0) out.zeroThreshold = threshold;
        if (extras.exemplars?.length) out.exemplars = extras.exemplars.map((exemplar) => exemplarOf(exemplar, encoder, int));
      });
    });
  });
}

function exemplarOf(exemplar: GuestExemplar, encoder: Encoder, int: (value: bigint) => unknown): OtlpObject {
  const out: OtlpObject = {
    filteredAttributes: toAttributes(exemplar.filteredAttributes as Attributes, encoder),
    timeUnixNano: encoder.encodeHrTime(exemplar.time as HrTime),
  };
  setNumber(out, exemplar.value, int);
  if (exemplar.spanId !== undefined) out.spanId = encoder.encodeSpanContext(exemplar.spanId);
  if (exemplar.traceId !== undefined) out.traceId = encoder.encodeSpanContext(exemplar.traceId);
  return out;
}

function setNumber(out: OtlpObject, value: GuestNumber, int: (value: bigint) => unknown): void {
  if ('int' in value) out.asInt = int(value.int);
  else out.asDouble = value.double;
}
