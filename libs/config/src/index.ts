export * from './config';
export * from './config.module';
export * from './logging';
export * from './schedule-settings';
export * from './worker-process';
