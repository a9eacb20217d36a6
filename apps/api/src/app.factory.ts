import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import multipart from '@fastify/multipart';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import type { RawRequestDefaultExpression } from 'fastify';
import { APP_VERSION, AppConfig } from '@him/config';
import { AuditService } from './audit/audit.service';
import { API_KEY_HEADER } from './auth/api-key.guard';
import { AllExceptionsFilter } from './common/all-exceptions.filter';
import { createValidationPipe } from './common/validation';
import { AppModule } from './app.module';

export const API_PREFIX = 'api/v1';
const REQUEST_ID = /^[\w.-]{1,64}$/;

/** Builds the HTTP API (not yet listening): used by main.ts and by the end-to-end tests alike. */
export async function createApiApp(config: AppConfig): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: 10 * 1024 * 1024,
    // X-Forwarded-For names the client only when a configured proxy sent it; otherwise any client could pick the
    // address that the rate limit and the audit log see.
    trustProxy: config.trustedProxies.length > 0 ? config.trustedProxies : false,
    // Honour a caller's request id (from a proxy) so logs can be joined; otherwise make one.
    genReqId: (req: RawRequestDefaultExpression) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    logger: loggerLevels(config.logLevel),
    bufferLogs: false,
  });
  // Uploads are streamed to the file store, never buffered; IngestFilesService sets the size limit per request.
  await app.register(multipart, { throwFileSizeLimit: false });
  app.setGlobalPrefix(API_PREFIX);
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new AllExceptionsFilter());
  app.enableShutdownHooks();

  const fastify = app.getHttpAdapter().getInstance();
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

function setupSwagger(app: INestApplication, config: AppConfig): void {
  const doc = new DocumentBuilder()
    .setTitle('HIM-MES API')
    .setDescription(
      'Predictive-maintenance batch platform. Long work runs as Temporal workflows: `POST /api/v1/jobs/<type>` answers 202 with ' +
        'a workflow id, a status URL and a Temporal Web UI link. Every route but health needs an API key in `X-API-Key`; ' +
        'reads need the viewer role, writes operator, key management admin. Errors always have the ErrorBody shape.',
    )
    .setVersion(APP_VERSION)
    .addServer(config.publicUrl)
    .addApiKey({ type: 'apiKey', in: 'header', name: API_KEY_HEADER }, 'api-key')
    .build();
  const document = SwaggerModule.createDocument(app, doc, { operationIdFactory: (controller, method) => `${controller.replace(/Controller$/, '')}_${method}` });
  // The minimum retention is configured, so the schema's floor is set here: a generated client must not send fewer days.
  const retentionDays = (document.components?.schemas?.AuditRetentionJobDto as SchemaObject | undefined)?.properties?.older_than_days as SchemaObject | undefined;
  if (retentionDays) retentionDays.minimum = config.auditRetentionMinDays;
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json', swaggerOptions: { persistAuthorization: true } });
}

function loggerLevels(level: AppConfig['logLevel']) {
  const order = ['error', 'warn', 'log', 'debug', 'verbose'] as const;
  return order.slice(0, order.indexOf(level) + 1);
}
