export * from './search-attributes';
export * from './ui-links';
export * from './schedules';
