// The OpenAPI document against the code it describes, without starting the API: every error answer in the one
// ErrorBody shape (details are objects), the errors every operation can give, and each DTO's validation constraints
// stated in its schema, so a generated client does not send what the API then refuses. Schemathesis checks the
// live API against the same document (scripts/schemathesis.mjs).
import { getMetadataStorage } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';
import type { OpenAPIObject } from '@nestjs/swagger';
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
