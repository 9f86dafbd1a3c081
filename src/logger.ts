import { pino, type DestinationStream, type Logger } from 'pino';

/** Structured JSON logs; secrets and variable values are redacted wherever they appear in a logged object. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino({
    level,
    base: { service: 'prompt-template-service' },
    redact: {
      paths: ['*.authorization', '*.password', '*.variables', '*.apiKey', 'req.headers.authorization', 'req.headers["x-api-key"]'],
      censor: '[redacted]',
    },
  }, destination);
}

export type { Logger };
