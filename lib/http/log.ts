/** One structured logger per container (Powertools: JSON lines with level, time and keys). */
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({ serviceName: 'roster' });
