import { OTLPExporterBase, type OTLPExporterNodeConfigBase } from '@opentelemetry/otlp-exporter-base';
import { convertLegacyHttpOptions, createOtlpHttpExportDelegate } from '@opentelemetry/otlp-exporter-base/node-http';
import { convertLegacyOtlpGrpcOptions, createOtlpGrpcExportDelegate, type OTLPGRPCExporterConfigNode } from '@opentelemetry/otlp-grpc-exporter-base';
import { MetricsExporterMetricsHelper } from '@opentelemetry/otlp-transformer';
import type { PushMetricExporter, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { OtlpProtocol } from './env-config.js';
import { GuestMetricsJsonSerializer, GuestMetricsProtobufSerializer } from './otlp-metrics-serializer.js';

/**
 * OTLP metric exporter for guest metrics: the OTel JS SDK's OTLP exporter machinery (endpoint,
 * headers, timeout, compression, retries and, for gRPC, credentials from the standard
 * `OTEL_EXPORTER_OTLP_*` variables) with a serializer that also writes what guests send beyond the
 * SDK's own metrics (exemplars, zero thresholds, exact 64-bit values). `http/protobuf`,
 * `http/json`, or `grpc` (the SDK's OTLP/gRPC transport, as `@opentelemetry/exporter-metrics-otlp-grpc`
 * uses it, carrying the same protobuf request as `http/protobuf`).
 */
export class OtlpGuestMetricExporter extends OTLPExporterBase<ResourceMetrics> implements PushMetricExporter {
  constructor(protocol?: 'http/protobuf' | 'http/json', config?: OTLPExporterNodeConfigBase);
  constructor(protocol: 'grpc', config?: OTLPGRPCExporterConfigNode);
  constructor(protocol: OtlpProtocol = 'http/protobuf', config: OTLPExporterNodeConfigBase | OTLPGRPCExporterConfigNode = {}) {
    super(protocol === 'grpc' ? grpcDelegate(config as OTLPGRPCExporterConfigNode) : httpDelegate(protocol === 'http/json', config as OTLPExporterNodeConfigBase));
  }
}

function httpDelegate(json: boolean, config: OTLPExporterNodeConfigBase) {
  return createOtlpHttpExportDelegate(
    convertLegacyHttpOptions(config, 'METRICS', 'v1/metrics', { 'Content-Type': json ? 'application/json' : 'application/x-protobuf' }),
    json ? GuestMetricsJsonSerializer : GuestMetricsProtobufSerializer,
    'otlp_http_metric_exporter',
    MetricsExporterMetricsHelper,
    undefined,
  );
}

function grpcDelegate(config: OTLPGRPCExporterConfigNode) {
  return createOtlpGrpcExportDelegate(
    convertLegacyOtlpGrpcOptions(config, 'METRICS'),
    GuestMetricsProtobufSerializer,
    'otlp_grpc_metric_exporter',
    MetricsExporterMetricsHelper,
    undefined,
    'MetricsExportService',
    '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export',
  );
}
