export * from './benchmark';
export * from './detector';
export * from './detector-onnx';
export * from './eigen';
export * from './isolation-forest';
export * from './pca';
export * from './standardise';
export * from './tag-distribution';
