import { JsonType, type Platform, type TransformContext } from '@mikro-orm/core';

/**
 * JSON that reads back as an object on MySQL 8 and MariaDB alike. MySQL's driver parses JSON columns, but
 * MariaDB stores JSON as LONGTEXT and hands back the text, which MikroORM's MySQL platform passes through.
 */
export class JsonColumn extends JsonType {
  override convertToJSValue(value: unknown, platform: Platform, context?: TransformContext): unknown {
    const converted = super.convertToJSValue(value, platform, context);
    return typeof converted === 'string' ? JSON.parse(converted) : converted;
  }
}
