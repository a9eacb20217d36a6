import type { Provider } from '@nestjs/common';
import { ModelVersionRepository } from './model-version.repository';

export * from './model-version.repository';

/**
 * One owner per table: every table's SQL lives in one repository here, which the API's services and the workers'
 * activities both inject. Each repository is an @Injectable class built from MikroORM (and the dialect); a method
 * works in its own EntityManager fork unless it is handed a transaction's.
 */
export const REPOSITORIES: Provider[] = [ModelVersionRepository];
