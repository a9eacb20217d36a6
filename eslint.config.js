// `npm run lint`: typescript-eslint with type information, plus the import boundaries between the folders.
// The boundaries match import strings, not resolved files: code outside a lib reaches it only as @him/<lib>,
// and anything else only by a relative path (a path through tsconfig's baseUrl is refused below).
// CommonJS like jest.config.js, so test/unit/lint-boundaries.spec.ts can load it into the ESLint class.
const { builtinModules } = require('node:module');
const { defineConfig, globalIgnores } = require('eslint/config');
const js = require('@eslint/js');
const globals = require('globals');
const tseslint = require('typescript-eslint');
const reactHooks = require('eslint-plugin-react-hooks');

/** A relative import that climbs into one of these top-level folders. */
const into = (...folders) => `^(\\.\\./)+(${folders.join('|')})(/|$)`;

const BASE_URL_PATH = {
  regex: '^(apps|activities|workflows|libs|test|bench|scripts)(/|$)',
  message: 'Import a lib as @him/<lib> and anything else by a relative path; baseUrl paths do not resolve at run time.',
};
const WORKFLOW_TYPES_ONLY = {
  regex: into('workflows'),
  allowTypeImports: true,
  message: 'Workflow code runs only inside the worker sandbox: import it here with `import type` (start workflows by function type).',
};
const NO_APPS_IN_LIBS = { regex: into('apps', 'activities', 'workflows'), message: 'libs/ must not depend on apps/, activities/ or workflows/.' };
const NO_APPS_IN_ACTIVITIES = { regex: into('apps'), message: 'activities/ must not depend on apps/ (the API and the worker depend on activities, not the reverse).' };
const NO_ACTIVITIES_IN_API = {
  regex: into('activities'),
  message: 'apps/api must not depend on activities/: shared logic belongs in a lib (repositories in @him/db), work runs through Temporal.',
};
// libs/contracts is loaded inside the workflow sandbox too, so it stays free of Node and of heavy runtimes.
const CONTRACTS_DEPENDENCIES = [
  { regex: `^(node:|(${builtinModules.join('|')})(/|$))`, message: 'libs/contracts is loaded by workflows: no Node built-ins.' },
  {
    regex: '^(@mikro-orm/|mysql2|better-sqlite3|onnxruntime-|onnx-proto|exceljs|@nestjs/|@fastify/|fastify$|@temporalio/(client|worker|activity|testing)$|@him/)',
    message: 'libs/contracts is loaded by workflows: no ORM, database drivers, ONNX Runtime, exceljs, Nest/Fastify, Temporal client/worker, nor other libs.',
  },
  { regex: into('apps', 'activities'), message: 'libs/ must not depend on apps/ or activities/.' },
  // The job catalogue names each job's workflow by its function type; a type import leaves no run-time edge.
  { ...WORKFLOW_TYPES_ONLY, message: 'libs/contracts may refer to workflows by type only (`import type`).' },
];
// Workflows must stay deterministic; the worker's bundler refuses much of this too, lint says so earlier.
const WORKFLOW_DEPENDENCIES = [
  {
    regex: '^(?!@temporalio/(workflow|common)$|@him/contracts$|\\./|\\.\\./activities(/|$))',
    message: 'workflows/ may import only @temporalio/workflow, @temporalio/common, @him/contracts, sibling workflow files and activity types.',
  },
  { regex: '^\\.\\./activities(/|$)', allowTypeImports: true, message: 'workflows/ may import activities as types only (`import type`, then proxyActivities<…>).' },
];

// The dashboard runs in a browser and reaches the system only through the HTTP API.
const WEB_DEPENDENCIES = [
  { regex: '^@him/', message: 'apps/web reaches the system only through the HTTP API (/api/v1), never through a lib.' },
  { regex: `^(node:|(${builtinModules.join('|')})(/|$))`, message: 'apps/web runs in a browser: no Node built-ins.' },
  {
    regex: '^(\\.\\./)+(apps|libs|activities|workflows|test|bench|scripts|api/src|worker/src|tools/src)(/|$)',
    message: 'apps/web reaches the system only through the HTTP API (/api/v1), never through its code.',
  },
];

const restrict = (...patterns) => ({ '@typescript-eslint/no-restricted-imports': ['error', { patterns }] });

module.exports = defineConfig(
  globalIgnores(['dist/', 'data/', 'coverage/', '.dist-dev/', 'libs/db/src/migrations/']),
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: __dirname } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // tsc's noUnusedLocals/noUnusedParameters already check this (with the `_` convention).
      '@typescript-eslint/no-unused-vars': 'off',
      // Promise-returning interfaces (BulkLoader, Nest guards) are implemented with `async` even when one
      // implementation is synchronous, so a throw still becomes a rejection.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Tests and benches read HTTP answers as untyped JSON and check them with expect().
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    files: ['apps/web/src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: globals.browser },
    // The two classic hook rules; the React Compiler's stricter set is for code the compiler builds.
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' },
  },
  {
    files: ['**/*.{js,mjs,cjs}'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: globals.node },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },

  // Import boundaries. Flat config replaces a rule's options per file, so each folder lists all its patterns.
  { files: ['**/*.{ts,tsx}'], rules: restrict(BASE_URL_PATH, WORKFLOW_TYPES_ONLY) },
  { files: ['libs/**/*.ts'], rules: restrict(BASE_URL_PATH, NO_APPS_IN_LIBS) },
  { files: ['libs/contracts/**/*.ts'], rules: restrict(BASE_URL_PATH, ...CONTRACTS_DEPENDENCIES) },
  { files: ['activities/**/*.ts'], rules: restrict(BASE_URL_PATH, WORKFLOW_TYPES_ONLY, NO_APPS_IN_ACTIVITIES) },
  { files: ['apps/api/**/*.ts'], rules: restrict(BASE_URL_PATH, WORKFLOW_TYPES_ONLY, NO_ACTIVITIES_IN_API) },
  { files: ['apps/web/src/**/*.{ts,tsx}'], rules: restrict(BASE_URL_PATH, ...WEB_DEPENDENCIES) },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      ...restrict(...WORKFLOW_DEPENDENCIES),
      'no-restricted-syntax': ['error', { selector: 'ImportExpression', message: 'workflows/ loads no modules at run time.' }],
    },
  },
  { files: ['test/**/*.ts', 'bench/**/*.ts'], rules: restrict(BASE_URL_PATH) },
);
