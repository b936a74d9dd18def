// Structured logging. Child loggers carry request/session/sandbox ids.
import pino from "pino";

export type Logger = pino.Logger;

export function createLogger(level: string): Logger {
  return pino({ level, base: { app: "container-playground" } });
}
