import { defaultResource, detectResources, envDetector, type Resource } from '@opentelemetry/resources';

/** The SDK's default resource merged with OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES. */
export function resourceFromEnv(): Resource {
  return defaultResource().merge(detectResources({ detectors: [envDetector] }));
}
