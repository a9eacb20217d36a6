export * from './detector';
export * from './eigen';
export * from './isolation-forest';
export * from './pca';
export * from './standardise';
