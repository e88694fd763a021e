// The gateway's public API.
export { loadConfig, type LoadConfigOptions } from './config/load-config.ts';
export type { GatewayConfig, ServiceConfig, LogLevel } from './config/config-schema.ts';
export { createGateway, type Gateway, type CreateGatewayOptions } from './create-gateway.ts';
export { introspectGraphQLServices, type RemoteSchemas } from './remote/remote-schema.ts';
export { ConfigError, HTTP_STATUS, type GatewayErrorCode } from './errors.ts';
export { configuredLogger, createLogger, type Logger, type LoggerOptions } from './logger.ts';
export { REST_DIRECTIVES_SDL } from './sdl/directives/rest-directives.ts';
