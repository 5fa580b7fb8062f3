export * from './bridge.js';
export * from './card.js';
export * from './domain.js';
export * from './errors.js';
export * from './events.js';
export * from './methods.js';
export * from './outbox.js';
export * from './patients.js';
