import { BatchLogRecordProcessor, SimpleLogRecordProcessor, type LogRecordExporter, type LogRecordProcessor } from '@opentelemetry/sdk-logs';
import type { PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, SimpleSpanProcessor, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { AccountedLogExporter, AccountedMetricExporter, AccountedSpanExporter } from './accounted-exporters.js';
import type { ConsoleReport } from './console-report.js';
import { DeliveryLedger, type TelemetrySignal } from './delivery-ledger.js';
import type { OtlpProtocol, TelemetryEnvConfig } from './env-config.js';
import type { ExportSettings } from './export-settings.js';
import type { OtlpExporters } from './otlp-exporters.js';

/*
 * The exporters the environment asks for, per signal. OTLP exporters (the SDK's, over
 * http/protobuf, http/json or gRPC) read their endpoint, headers, timeout, compression and
 * certificate variables themselves; spans and log records go through the
 * SDK's batch processors, with the checked OTEL_BSP_* / OTEL_BLRP_* settings (export-settings.ts). Guest metrics arrive already
 * aggregated, so they go straight to the exporter. `console` collects into the run's report.
 * Every OTLP exporter is wrapped so that its exports go out in order, a few at a time, and what
 * it could not deliver is booked in a DeliveryLedger (added to `ledgers`) for the report at exit.
 * The OTLP exporters' constructors come in `otlp` (otlp-exporters.js, some 1.5 MB of code with
 * gRPC and protobuf): the CLI loads that module only when a signal goes to OTLP.
 */

export function spanProcessorsFor(config: TelemetryEnvConfig, settings: ExportSettings, report: ConsoleReport, ledgers: DeliveryLedger[], otlp: OtlpExporters | undefined): SpanProcessor[] {
  return config.traceExporters.flatMap((name): SpanProcessor[] => {
    if (name === 'otlp') {
      const exporters = loaded(otlp);
      return [new BatchSpanProcessor(new AccountedSpanExporter(exporters.spanExporter(config.tracesProtocol), ledgerFor(exporters, 'traces', config.tracesProtocol, ledgers)), { ...settings.spans })];
    }
    return name === 'console' ? [new SimpleSpanProcessor(report.spanExporter)] : [];
  });
}

export function logProcessorsFor(config: TelemetryEnvConfig, settings: ExportSettings, report: ConsoleReport, ledgers: DeliveryLedger[], otlp: OtlpExporters | undefined): LogRecordProcessor[] {
  return config.logExporters.flatMap((name): LogRecordProcessor[] => {
    if (name === 'otlp') {
      const exporters = loaded(otlp);
      return [new BatchLogRecordProcessor({ exporter: new AccountedLogExporter(exporters.logExporter(config.logsProtocol), ledgerFor(exporters, 'logs', config.logsProtocol, ledgers)), ...settings.logs })];
    }
    return name === 'console' ? [new SimpleLogRecordProcessor({ exporter: report.logExporter })] : [];
  });
}

export function metricExportersFor(config: TelemetryEnvConfig, report: ConsoleReport, ledgers: DeliveryLedger[], otlp: OtlpExporters | undefined): PushMetricExporter[] {
  return config.metricExporters.flatMap((name): PushMetricExporter[] => {
    if (name === 'otlp') {
      const exporters = loaded(otlp);
      const protocol = config.metricsProtocol;
      return [new AccountedMetricExporter(exporters.metricExporter(protocol), ledgerFor(exporters, 'metrics', protocol, ledgers))];
    }
    return name === 'console' ? [report.metricExporter] : [];
  });
}

/** OTLP exporters are asked for only when the configuration asks for them (usesOtlp). */
function loaded(otlp: OtlpExporters | undefined): OtlpExporters {
  if (otlp === undefined) throw new Error('internal: OTLP exporters were asked for, but their module was not loaded (usesOtlp)');
  return otlp;
}

/** Whether any signal goes to an OTLP exporter (then the caller loads otlp-exporters.js). */
export function usesOtlp(config: TelemetryEnvConfig): boolean {
  return !config.disabled && [config.traceExporters, config.logExporters, config.metricExporters].some((names) => names.includes('otlp'));
}

/** A ledger for one OTLP exporter, named after where it sends (otlpDestination). */
function ledgerFor(otlp: OtlpExporters, signal: TelemetrySignal, protocol: OtlpProtocol, ledgers: DeliveryLedger[]): DeliveryLedger {
  const ledger = new DeliveryLedger(signal, otlp.destination(signal, protocol));
  ledgers.push(ledger);
  return ledger;
}
