export * from './graph';
export * from './loader';
export * from './mlp';
export * from './trees';
