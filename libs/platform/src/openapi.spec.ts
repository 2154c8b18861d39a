import 'reflect-metadata';

import { Body, Controller, Get, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { ApiProperty } from '@nestjs/swagger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { openApiDocument } from './openapi.js';

class Line {
  @ApiProperty() sku!: string;
}
class Command {
  @ApiProperty() name!: string;
  @ApiProperty({ type: [Line] }) lines!: Line[];
}

@Controller()
class SampleController {
  @Post('commands')
  create(@Body() body: Command) {
    return body;
  }

  @Get('health/live')
  live() {
    return { status: 'ok' };
  }
}

@Module({ controllers: [SampleController] })
class SampleModule {}

describe('openApiDocument', () => {
  let document: ReturnType<typeof openApiDocument>;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const app = await NestFactory.create(SampleModule, new FastifyAdapter(), { logger: false });
    document = openApiDocument(app, { title: 'sample', description: 'sample' });
    close = () => app.close();
  });
  afterAll(() => close());

  it('closes request body schemas and the objects nested in them', () => {
    const schemas = document.components!.schemas as Record<
      string,
      { additionalProperties?: unknown }
    >;
    expect(schemas.Command!.additionalProperties).toBe(false);
    expect(schemas.Line!.additionalProperties).toBe(false);
    expect(schemas.ErrorResponse!.additionalProperties).toBeUndefined();
  });

  it('documents 400 and 413 for a body, and 503 everywhere but health', () => {
    const post = document.paths['/commands']!.post!.responses;
    expect(Object.keys(post)).toEqual(expect.arrayContaining(['400', '413', '503']));
    expect(JSON.stringify(post['413'])).toContain('#/components/schemas/ErrorResponse');
    const health = document.paths['/health/live']!.get!.responses;
    expect(Object.keys(health)).not.toContain('503');
    expect(Object.keys(health)).not.toContain('400');
  });

  it('declares the bearer scheme the admin routes refer to', () => {
    expect(document.components!.securitySchemes).toHaveProperty('bearer');
  });
});
