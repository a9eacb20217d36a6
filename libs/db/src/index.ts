export * from './entities';
export * from './orm-config';
export * from './database';
export * from './database.module';
export * from './json-column.type';
export * from './raw-values';
export * from './repositories';
export * from './dialect';
