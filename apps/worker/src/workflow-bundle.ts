import * as path from 'node:path';
import { bundleWorkflowCode, DefaultLogger, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { REPO_ROOT } from '@him/config';

/** The `@him/*` aliases of tsconfig.json, for webpack; workflows may import only contracts from libs. */
const WORKFLOW_ALIASES = { '@him/contracts': path.join(REPO_ROOT, 'libs', 'contracts', 'src') };

/** Bundles `workflows/` from source (the worker does this at start unless given a prebuilt bundle). */
export function bundleWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({
    workflowsPath: path.join(REPO_ROOT, 'workflows', 'index.ts'),
    webpackConfigHook: (config) => {
      config.resolve = { ...config.resolve, alias: { ...(config.resolve?.alias as object), ...WORKFLOW_ALIASES } };
      return config;
    },
    logger: new DefaultLogger('WARN'),
  });
}
