export * from './onnx';
export * from './vibration';
