/** Injection token of the configured SQL dialect (`Dialect`), for repositories whose raw SQL differs per database. */
export const DIALECT = Symbol('DIALECT');
