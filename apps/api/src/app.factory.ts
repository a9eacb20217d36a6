import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import multipart from '@fastify/multipart';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import type { FastifyInstance, RawRequestDefaultExpression } from 'fastify';
import { APP_VERSION, AppConfig, createLogger, NestPinoLogger } from '@him/config';
import { AuditService } from './audit/audit.service';
import { AllExceptionsFilter } from './common/all-exceptions.filter';
import { ErrorBody, errorBody } from './common/error-body';
import { logRequests } from './common/request-log';
import { createValidationPipe } from './common/validation';
import { AppModule } from './app.module';
import { METRICS_PATH, serveMetrics } from './metrics/metrics';
import { serveDashboard } from './web/dashboard';

export const API_PREFIX = 'api/v1';
const REQUEST_ID = /^[\w.-]{1,64}$/;

/** Builds the HTTP API (not yet listening): used by main.ts and by the end-to-end tests alike. */
export async function createApiApp(config: AppConfig): Promise<NestFastifyApplication> {
  // One logger for Fastify (each request's lines carry its id) and Nest (the code's `new Logger(...)` calls).
  const logger = createLogger('api', config.logLevel);
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    requestIdLogLabel: 'requestId',
    // logRequests writes one line per request instead of Fastify's two.
    disableRequestLogging: true,
    bodyLimit: 10 * 1024 * 1024,
    // Path parameters as long as the routes accept (a 255-character workflow id, percent-encoded UTF-8: up to 12 bytes
    // a character); longer ones would miss the route and answer 404 instead of the route's own 400.
    routerOptions: { maxParamLength: 4096 },
    // X-Forwarded-For names the client only when a configured proxy sent it; otherwise any client could pick the
    // address that the rate limit and the audit log see.
    trustProxy: config.trustedProxies.length > 0 ? config.trustedProxies : false,
    // Honour a caller's request id (from a proxy) so logs can be joined; otherwise make one.
    genReqId: (req: RawRequestDefaultExpression) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
  });
  answerUnsupportedMethods(adapter.getInstance());
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    logger: new NestPinoLogger(logger),
    bufferLogs: false,
  });
  // Uploads are streamed to the file store, never buffered; IngestFilesService sets the size limit per request.
  await app.register(multipart, { throwFileSizeLimit: false });
  refuseMultipartWithoutBoundary(adapter.getInstance());
  refuseDeepJson(adapter.getInstance());
  await serveDashboard(app, config);
  serveMetrics(app);
  app.setGlobalPrefix(API_PREFIX);
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new AllExceptionsFilter());
  app.enableShutdownHooks();

  const fastify = app.getHttpAdapter().getInstance();
  logRequests(fastify, [METRICS_PATH, `/${API_PREFIX}/health`, `/${API_PREFIX}/health/ready`]);
  const audit = app.get(AuditService);
  fastify.addHook('onSend', async (req, reply, payload) => {
    reply.header('x-request-id', req.id);
    await audit.finish(req, reply);
    return payload;
  });

  setupSwagger(app, config);
  await app.init();
  return app;
}

/**
 * A known path asked with a method it does not have answers 405 with an Allow header (RFC 9110), not the 404
 * Fastify gives for an unknown path, nor what a broader route makes of it (`GET /models/x/rollback` is no version
 * "rollback" of x). Runs before authentication: which methods a path has is in the public document.
 */
function answerUnsupportedMethods(fastify: FastifyInstance): void {
  const routes = new Map<string, { pattern: RegExp; params: number; methods: Set<string> }>();
  fastify.addHook('onRoute', (route) => {
    const literal = route.url.replace(/[.+?^$(){}|[\]\\]/g, '\\$&');
    const pattern = new RegExp(`^${literal.replace(/:[^/]+/g, '[^/]+').replace(/\*/g, '.*')}/?$`);
    const entry = routes.get(route.url) ?? { pattern, params: (route.url.match(/[:*]/g) ?? []).length, methods: new Set<string>() };
    routes.set(route.url, entry);
    for (const method of [route.method].flat()) entry.methods.add(method);
  });
  fastify.addHook('onRequest', async (req, reply) => {
    const matched = req.routeOptions.url;
    // A route without parameters is the most specific there is.
    if (matched !== undefined && !/[:*]/.test(matched)) return;
    const path = req.url.split('?')[0];
    const matching = [...routes.values()].filter((r) => r.pattern.test(path));
    // The most specific routes name the resource, as the router does for its own method: /jobs/ingest is the ingest.
    const fewest = Math.min(...matching.map((r) => r.params));
    const allowed = new Set(matching.filter((r) => r.params === fewest).flatMap((r) => [...r.methods]));
    // An allowed method that still missed (e.g. a parameter over maxParamLength) is a plain 404.
    if (allowed.size === 0 || allowed.has(req.method)) return;
    const allow = [...allowed].sort().join(', ');
    return reply
      .code(405)
      .header('allow', allow)
      .type('application/json; charset=utf-8')
      .send(errorBody(405, 'METHOD_NOT_ALLOWED', `${req.method} is not allowed here; this path answers ${allow}`, req));
  });
}

/** The multipart parser throws a plain Error (a 500) on a body without a boundary: it is the client's mistake. */
function refuseMultipartWithoutBoundary(fastify: FastifyInstance): void {
  fastify.addHook('preValidation', async (req, reply) => {
    const type = req.headers['content-type'] ?? '';
    if (!/^multipart\/form-data/i.test(type) || /;\s*boundary=[^;\s]/i.test(type)) return;
    return reply
      .code(400)
      .type('application/json; charset=utf-8')
      .send(errorBody(400, 'BAD_REQUEST', 'multipart/form-data needs a boundary in its Content-Type', req));
  });
}

/** No request body of the API nests deeper than a few levels; validation walks bodies recursively. */
const MAX_JSON_DEPTH = 32;

/**
 * A JSON body nested thousands of levels deep parses, but overflows the stack of the recursive validation after it (a
 * 500). It is refused first, counted without recursion.
 */
function refuseDeepJson(fastify: FastifyInstance): void {
  fastify.addHook('preValidation', async (req, reply) => {
    if (typeof req.body !== 'object' || req.body === null) return;
    const stack: [unknown, number][] = [[req.body, 1]];
    while (stack.length > 0) {
      const [value, depth] = stack.pop()!;
      if (depth > MAX_JSON_DEPTH) {
        return reply
          .code(400)
          .type('application/json; charset=utf-8')
          .send(errorBody(400, 'BAD_REQUEST', `the JSON body nests deeper than ${MAX_JSON_DEPTH} levels`, req));
      }
      for (const inner of Object.values(value as object)) if (typeof inner === 'object' && inner !== null) stack.push([inner, depth + 1]);
    }
  });
}

/** The OpenAPI document without a running API (no database, no Temporal: Nest's preview mode builds no providers). */
export async function describeApi(config: AppConfig): Promise<OpenAPIObject> {
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), new FastifyAdapter(), { preview: true, logger: false });
  app.setGlobalPrefix(API_PREFIX);
  try {
    return createOpenApiDocument(app, config);
  } finally {
    await app.close();
  }
}

/** The OpenAPI document of the API: served at /docs-json, and checked by the tests and by Schemathesis. */
export function createOpenApiDocument(app: INestApplication, config: AppConfig): OpenAPIObject {
  const doc = new DocumentBuilder()
    .setTitle('HIM-MES API')
    .setDescription(
      'Predictive-maintenance batch platform. Long work runs as Temporal workflows: `POST /api/v1/jobs/<type>` answers 202 with ' +
        'a workflow id, a status URL and a Temporal Web UI link. Every route but health needs an API key in `X-API-Key`; ' +
        'reads need the viewer role, writes operator, key management admin. Errors always have the ErrorBody shape.',
    )
    .setVersion(APP_VERSION)
    .addServer(config.publicUrl)
    // Spelled as clients send it: header names are case-insensitive on the wire, but not in every tool's lookup.
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key' }, 'api-key')
    .addGlobalResponse({ status: 500, type: ErrorBody, description: 'Unexpected error: logged with the request id, never detailed in the answer' })
    .build();
  const document = SwaggerModule.createDocument(app, doc, { operationIdFactory: (controller, method) => `${controller.replace(/Controller$/, '')}_${method}` });
  // The minimum retention is configured, so the schema's floor is set here: a generated client must not send fewer days.
  const retentionDays = (document.components?.schemas?.AuditRetentionJobDto as SchemaObject | undefined)?.properties?.older_than_days as SchemaObject | undefined;
  if (retentionDays) retentionDays.minimum = config.auditRetentionMinDays;
  refuseUnknownBodyFields(document);
  return document;
}

function setupSwagger(app: INestApplication, config: AppConfig): void {
  SwaggerModule.setup('docs', app, createOpenApiDocument(app, config), { jsonDocumentUrl: 'docs-json', swaggerOptions: { persistAuthorization: true } });
}

/**
 * The validation pipe refuses fields a body does not declare (forbidNonWhitelisted), so every object a request body
 * can hold says `additionalProperties: false`; response objects are left open.
 */
function refuseUnknownBodyFields(document: OpenAPIObject): void {
  const seen = new Set<object>();
  const close = (schema: unknown): void => {
    if (typeof schema !== 'object' || schema === null || seen.has(schema)) return;
    seen.add(schema);
    const s = schema as Record<string, unknown>;
    if (typeof s.$ref === 'string') return close(document.components?.schemas?.[s.$ref.replace('#/components/schemas/', '')]);
    if (s.properties) {
      s.additionalProperties ??= false;
      Object.values(s.properties).forEach(close);
    }
    const alternatives = [s.oneOf, s.anyOf, s.allOf].flatMap((list): unknown[] => (Array.isArray(list) ? (list as unknown[]) : []));
    [s.items, ...alternatives].forEach(close);
  };
  for (const operations of Object.values(document.paths)) {
    for (const operation of Object.values(operations)) {
      const content = (operation as { requestBody?: { content?: Record<string, { schema?: unknown }> } }).requestBody?.content ?? {};
      Object.values(content).forEach((media) => close(media.schema));
    }
  }
}
