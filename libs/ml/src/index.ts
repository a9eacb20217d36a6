export * from './onnx';
export * from './vibration';
export * from './tep';
export * from './model-signatures';
export * from './random';
