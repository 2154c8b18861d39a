import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, getSchemaPath, type OpenAPIObject } from '@nestjs/swagger';

import { ErrorResponse } from './error.response.js';

type Operation = NonNullable<OpenAPIObject['paths'][string]['get']>;
type Schema = NonNullable<NonNullable<OpenAPIObject['components']>['schemas']>[string];

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'] as const;

export interface OpenApiOptions {
  title: string;
  description: string;
}

/**
 * The service's OpenAPI document, from its controllers' decorators plus what holds for every
 * operation because of the platform: the validation pipe rejects unknown properties
 * (`additionalProperties: false` on request bodies), a JSON body can be malformed (400) or too
 * large (413), and a database outage is a 503. Health operations document their own answers.
 */
export function openApiDocument(app: INestApplication, opts: OpenApiOptions): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle(opts.title)
      .setDescription(opts.description)
      .setVersion('1')
      .addBearerAuth()
      .build(),
    { extraModels: [ErrorResponse] },
  );
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      if (operation.requestBody) {
        documentError(operation, 400, 'The body is not JSON or fails validation');
        documentError(operation, 413, 'The JSON body is larger than this service accepts');
        closeSchemasOf(operation, document);
      }
      if (!path.startsWith('/health')) {
        documentError(operation, 503, 'The database is unavailable; retry after Retry-After');
      }
    }
  }
  return document;
}

function documentError(operation: Operation, status: number, description: string): void {
  operation.responses[status] ??= {
    description,
    content: { 'application/json': { schema: { $ref: getSchemaPath(ErrorResponse) } } },
  };
}

/** Request body schemas (and the objects nested in them) admit no undeclared property. */
function closeSchemasOf(operation: Operation, document: OpenAPIObject): void {
  const body = operation.requestBody as { content?: Record<string, { schema?: Schema }> };
  const seen = new Set<Schema>();
  const close = (schema: Schema | undefined): void => {
    if (!schema || seen.has(schema)) return;
    seen.add(schema);
    if ('$ref' in schema) {
      const name = schema.$ref.split('/').pop()!;
      return close(document.components?.schemas?.[name]);
    }
    if (schema.type === 'object' || schema.properties) {
      schema.additionalProperties = false;
      Object.values(schema.properties ?? {}).forEach(close);
    }
    if (schema.items) close(schema.items);
    [...(schema.allOf ?? []), ...(schema.oneOf ?? []), ...(schema.anyOf ?? [])].forEach(close);
  };
  Object.values(body.content ?? {}).forEach((media) => close(media.schema));
}
