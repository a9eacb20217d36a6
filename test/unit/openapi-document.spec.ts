// The OpenAPI document against the code it describes, without starting the API: every error answer in the one
// ErrorBody shape (details are objects), the errors every operation can give, and each DTO's validation constraints
// stated in its schema, so a generated client does not send what the API then refuses. Schemathesis checks the
// live API against the same document (scripts/schemathesis.mjs).
import { getMetadataStorage } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';
import type { LinkObject, OpenAPIObject } from '@nestjs/swagger';
import { loadConfig } from '@him/config';
import { describeApi } from '../../apps/api/src/app.factory';
import { UTC_DATE_TIME_PATTERN } from '../../apps/api/src/vibration/vibration.validation';

type Schema = Record<string, any>;
type Operation = {
  operationId: string;
  security?: unknown[];
  parameters?: unknown[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, Schema>;
};

const ERROR_BODY = '#/components/schemas/ErrorBody';

describe('the OpenAPI document', () => {
  let doc: OpenAPIObject;
  let operations: [string, Operation][];
  const schemas = () => doc.components!.schemas as Record<string, Schema>;

  beforeAll(async () => {
    doc = await describeApi(loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'error', SQLITE_PATH: ':memory:' }));
    operations = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]): [string, Operation] => [`${method.toUpperCase()} ${path}`, op as Operation]),
    );
  });

  it('describes ErrorBody with details as objects that name a field and a message', () => {
    const details = schemas().ErrorBody.properties.details;
    expect(details).toMatchObject({ type: 'array', items: { $ref: '#/components/schemas/ErrorDetailDto' } });
    expect(schemas().ErrorDetailDto).toMatchObject({ type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } }, required: ['message'] });
  });

  it('answers every error of every operation with ErrorBody', () => {
    const notErrorBody = operations.flatMap(([name, op]) =>
      Object.entries(op.responses)
        .filter(([status]) => Number(status) >= 400 && op.responses[status].content?.['application/json']?.schema?.$ref !== ERROR_BODY)
        .map(([status]) => `${name} ${status}`),
    );
    expect(operations.length).toBeGreaterThan(20);
    expect(notErrorBody).toEqual([]);
  });

  it('documents 500 everywhere; 401, 403 and 429 behind the key; 400 where there is input; 404 where a path names a resource', () => {
    const missing = operations.flatMap(([name, op]) => {
      const has = (status: number) => String(status) in op.responses;
      const expected = [500];
      if (op.security?.length) expected.push(401, 403, 429);
      if (op.parameters?.length || op.requestBody) expected.push(400);
      if (/\{(id|version|workflow_id)\}$/.test(name) || /\{(id|version|workflow_id)\}\/\w+$/.test(name)) expected.push(404);
      return expected.filter((status) => !has(status)).map((status) => `${name} ${status}`);
    });
    expect(missing).toEqual([]);
  });

  it('links responses that name a resource to operations that exist, with parameters and fields that exist', () => {
    const byId = new Map(operations.map(([name, op]) => [op.operationId, { name, op }]));
    // Follows a JSON pointer through a schema ($ref, allOf/oneOf, object properties, array items).
    const resolve = (schema: Schema | undefined, path: string[]): Schema | undefined => {
      if (!schema) return undefined;
      if (schema.$ref) return resolve(schemas()[schema.$ref.split('/').pop()], path);
      if (path.length === 0) return schema;
      for (const branch of [...(schema.allOf ?? []), ...(schema.oneOf ?? [])] as Schema[]) {
        const found = resolve(branch, path);
        if (found) return found;
      }
      const [head, ...rest] = path;
      return resolve(/^\d+$/.test(head) ? schema.items : schema.properties?.[head], rest);
    };
    const links: string[] = [];
    const problems: string[] = [];
    for (const [name, op] of operations) {
      for (const [status, response] of Object.entries(op.responses)) {
        for (const [linkName, link] of Object.entries((response.links ?? {}) as Record<string, LinkObject>)) {
          const where = `${name} ${status} links.${linkName}`;
          const target = byId.get(link.operationId ?? '');
          if (!target) {
            problems.push(`${where}: no operation ${link.operationId ?? link.operationRef}`);
            continue;
          }
          links.push(`${name} ${status} → ${target.name}`);
          const params = (target.op.parameters ?? []) as { name: string; in: string }[];
          const given = Object.keys(link.parameters ?? {});
          for (const [param, expression] of Object.entries<string>(link.parameters ?? {})) {
            const [, at, paramName] = /^(?:(path|query|header|cookie)\.)?(.+)$/.exec(param)!;
            if (!params.some((p) => p.name === paramName && (!at || p.in === at))) problems.push(`${where}: ${target.name} has no parameter ${param}`);
            const pointer = /^\$response\.body#\/(.+)$/.exec(expression)?.[1];
            const body = response.content?.['application/json']?.schema as Schema | undefined;
            if (!pointer || !resolve(body, pointer.split('/'))) problems.push(`${where}: ${expression} is not a field of the response`);
          }
          for (const p of params) if (p.in === 'path' && !given.includes(p.name)) problems.push(`${where}: ${target.name}'s path parameter ${p.name} is not given`);
        }
      }
    }
    expect(problems).toEqual([]);
    const jobStarts = operations.filter(([name]) => /^POST \/api\/v1\/jobs\/[a-z-]+$/.test(name));
    expect(jobStarts.length).toBeGreaterThanOrEqual(5);
    expect(links).toEqual(
      expect.arrayContaining([
        ...jobStarts.flatMap(([name]) => [`${name} 202 → GET /api/v1/jobs/{workflow_id}`, `${name} 202 → POST /api/v1/jobs/{workflow_id}/cancel`]),
        'POST /api/v1/reports 202 → GET /api/v1/reports/{id}',
        'POST /api/v1/reports 202 → GET /api/v1/reports/{id}/download',
        'POST /api/v1/reports 202 → GET /api/v1/jobs/{workflow_id}',
        'POST /api/v1/api-keys 201 → DELETE /api/v1/api-keys/{id}',
        'POST /api/v1/models/{name} 201 → GET /api/v1/models/{name}/{version}',
        'POST /api/v1/schedules/{id}/trigger 202 → GET /api/v1/schedules/{id}',
        'GET /api/v1/schedules/{id} 200 → POST /api/v1/schedules/{id}/trigger',
      ]),
    );
  });

  it('names the key header as clients send it', () => {
    expect(doc.components!.securitySchemes!['api-key']).toEqual({ type: 'apiKey', in: 'header', name: 'X-API-Key' });
  });

  it('closes every object a request body can hold (unknown fields are refused)', () => {
    const open: string[] = [];
    const seen = new Set<Schema>();
    const visit = (schema: Schema | undefined, where: string): void => {
      if (!schema || seen.has(schema)) return;
      seen.add(schema);
      if (schema.$ref) return visit(schemas()[schema.$ref.split('/').pop()], schema.$ref);
      if (schema.properties && schema.additionalProperties !== false) open.push(where);
      Object.values(schema.properties ?? {}).forEach((p) => visit(p as Schema, where));
      [schema.items, ...(schema.oneOf ?? []), ...(schema.anyOf ?? [])].forEach((s) => visit(s, where));
    };
    for (const [name, op] of operations) for (const media of Object.values(op.requestBody?.content ?? {})) visit(media.schema, name);
    expect(open).toEqual([]);
  });

  it('states each body DTO’s validation constraints in its schema', () => {
    const storage = getMetadataStorage() as unknown as { validationMetadatas: Map<abstract new (...args: never[]) => unknown, ValidationMetadata[]> };
    const mismatches: string[] = [];
    let checked = 0;
    for (const target of storage.validationMetadatas.keys()) {
      const schema = schemas()[target.name];
      if (!schema) continue;
      const byProperty = new Map<string, ValidationMetadata[]>();
      for (const m of getMetadataStorage().getTargetValidationMetadatas(target, '', true, false)) byProperty.set(m.propertyName, [...(byProperty.get(m.propertyName) ?? []), m]);
      for (const [property, metas] of byProperty) {
        const prop: Schema | undefined = schema.properties?.[property];
        if (!prop) {
          mismatches.push(`${target.name}.${property}: validated but not documented`);
          continue;
        }
        // Optional() is a ValidateIf: a conditional validation.
        const optional = metas.some((m) => m.type === 'conditionalValidation');
        if (optional === (schema.required ?? []).includes(property))
          mismatches.push(`${target.name}.${property}: ${optional ? 'optional but required' : 'required but optional'} in the document`);
        for (const m of metas) {
          const each = m.each ? (prop.items as Schema) : prop;
          const c = m.constraints as unknown[];
          const expect: Record<string, Record<string, unknown>> = {
            isInt: { type: 'integer' },
            min: { minimum: c?.[0] },
            max: { maximum: c?.[0] },
            isLength: { minLength: c?.[0], maxLength: c?.[1] },
            arrayMinSize: { minItems: c?.[0] },
            arrayMaxSize: { maxItems: c?.[0] },
            isUtcDateTime: { pattern: UTC_DATE_TIME_PATTERN },
          };
          for (const [key, value] of Object.entries(expect[m.name ?? ''] ?? {})) {
            const holder = ['minItems', 'maxItems'].includes(key) ? prop : each;
            checked++;
            const documented = holder?.[key] as unknown;
            // A bound may be stricter in the document than in the DTO (a configured floor the service enforces), never looser.
            const ok = key.startsWith('min')
              ? typeof documented === 'number' && documented >= (value as number)
              : key.startsWith('max')
                ? typeof documented === 'number' && documented <= (value as number)
                : documented === value;
            if (!ok) mismatches.push(`${target.name}.${property}: ${m.name} wants ${key} ${String(value)}, the document says ${String(documented)}`);
          }
          if (m.name === 'isIn' && each?.enum && [...(c[0] as unknown[])].sort().join() !== [...(each.enum as unknown[])].sort().join()) {
            mismatches.push(`${target.name}.${property}: isIn and enum differ`);
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(30);
    expect(mismatches).toEqual([]);
  });
});
