/** The interface an HTTP component exports (apart, so that it can be known without loading the HTTP host). */
export const INCOMING_HANDLER = 'wasi:http/incoming-handler';
