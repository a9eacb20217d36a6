export * from './model-check';
export * from './model-registry';
export * from './served-models';
export * from './registry.module';
