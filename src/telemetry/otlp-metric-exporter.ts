import { OTLPExporterBase, type OTLPExporterNodeConfigBase } from '@opentelemetry/otlp-exporter-base';
import { convertLegacyHttpOptions, createOtlpHttpExportDelegate } from '@opentelemetry/otlp-exporter-base/node-http';
import { MetricsExporterMetricsHelper } from '@opentelemetry/otlp-transformer';
import type { PushMetricExporter, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { OtlpProtocol } from './env-config.js';
import { GuestMetricsJsonSerializer, GuestMetricsProtobufSerializer } from './otlp-metrics-serializer.js';

/**
 * OTLP/HTTP metric exporter for guest metrics: the OTel JS SDK's OTLP exporter machinery
 * (endpoint, headers, timeout, compression and retries from the standard `OTEL_EXPORTER_OTLP_*`
 * variables) with a serializer that also writes what guests send beyond the SDK's own metrics
 * (exemplars, zero thresholds, exact 64-bit values). `http/protobuf` or `http/json`.
 */
export class OtlpGuestMetricExporter extends OTLPExporterBase<ResourceMetrics> implements PushMetricExporter {
  constructor(protocol: OtlpProtocol = 'http/protobuf', config: OTLPExporterNodeConfigBase = {}) {
    const json = protocol === 'http/json';
    super(
      createOtlpHttpExportDelegate(
        convertLegacyHttpOptions(config, 'METRICS', 'v1/metrics', { 'Content-Type': json ? 'application/json' : 'application/x-protobuf' }),
        json ? GuestMetricsJsonSerializer : GuestMetricsProtobufSerializer,
        'otlp_http_metric_exporter',
        MetricsExporterMetricsHelper,
        undefined,
      ),
    );
  }
}
