// Types of the ESM entry: the same declarations as the CommonJS entry.
export * from './index.js'
