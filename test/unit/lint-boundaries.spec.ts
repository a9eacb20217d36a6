// The import boundaries between folders are ESLint rules (eslint.config.js), run by `npm run lint` inside
// `npm test`. This proves they catch a forbidden import where it is written and let the allowed ones through.
import * as path from 'node:path';
import { ESLint, type Linter } from 'eslint';
import tseslint from 'typescript-eslint';

const ROOT = path.join(__dirname, '..', '..');

// The boundaries need no type information; without it a file lints in milliseconds instead of a program build.
const eslint = new ESLint({
  cwd: ROOT,
  overrideConfigFile: true,
  baseConfig: jest.requireActual<Linter.Config[]>('../../eslint.config.js'),
  overrideConfig: tseslint.configs.disableTypeChecked,
});

async function findings(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: path.join(ROOT, file) });
  return result.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

const BOUNDARY = /^@typescript-eslint\/no-restricted-imports: /;

describe('import boundaries (eslint.config.js)', () => {
  it.each([
    ['workflows/x.workflow.ts', "import * as fs from 'node:fs';"],
    ['workflows/x.workflow.ts', "import { Connection } from '@temporalio/client';"],
    ['workflows/x.workflow.ts', "import { AppConfig } from '@him/config';"],
    ['workflows/x.workflow.ts', "import { IngestActivities } from '../activities/ingest/ingest.activities';"],
    ['workflows/x.workflow.ts', "export { ModelRegistry } from '../libs/registry/src';"],
    ['libs/db/src/x.ts', "import { createApiApp } from '../../../apps/api/src/app.factory';"],
    ['libs/db/src/repositories/x.ts', "import type { JobsService } from '../../../../apps/api/src/jobs/jobs.service';"],
    ['libs/ml/src/onnx/x.ts', "import { ACTIVITY_CLASSES } from '../../../../activities';"],
    ['libs/temporal/src/x.ts', "import type { ingestWithDedupe } from '../../../workflows';"],
    ['libs/contracts/src/x.ts', "import * as path from 'path';"],
    ['libs/contracts/src/x.ts', "import { randomUUID } from 'node:crypto';"],
    ['libs/contracts/src/x.ts', "import { Entity } from '@mikro-orm/core';"],
    ['libs/contracts/src/x.ts', "import * as ort from 'onnxruntime-node';"],
    ['libs/contracts/src/x.ts', "import { Workbook } from 'exceljs';"],
    ['libs/contracts/src/x.ts', "import { AppConfig } from '@him/config';"],
    ['libs/contracts/src/x.ts', "import { ingestWithDedupe } from '../../../workflows';"],
    ['activities/ingest/x.ts', "import { ApiKeysService } from '../../apps/api/src/auth/api-keys.service';"],
    ['apps/api/src/jobs/x.ts', "import { IngestActivities } from '../../../../activities/ingest/ingest.activities';"],
    ['apps/api/src/jobs/x.ts', "import type { IngestActivities } from '../../../../activities/ingest/ingest.activities';"],
    ['apps/api/src/jobs/x.ts', "import { ingestWithDedupe } from '../../../../workflows';"],
    ['apps/api/src/jobs/x.ts', "import { AppConfig } from 'libs/config/src';"],
    ['apps/web/src/pages/x.tsx', "import type { Report } from '@him/db';"],
    ['apps/web/src/pages/x.tsx', "import { REPORT_JOB } from '../../../../libs/contracts/src';"],
    ['apps/web/src/pages/x.tsx', "import type { ReportResponseDto } from '../../../api/src/reports/reports.dto';"],
    ['apps/web/src/x.ts', "import * as fs from 'node:fs';"],
  ])('%s: refuses %s', async (file, source) => {
    const found = await findings(file, source);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(BOUNDARY);
  });

  it('refuses a dynamic import in a workflow', async () => {
    expect(await findings('workflows/x.workflow.ts', "export const load = () => import('node:fs');")).toEqual(['no-restricted-syntax: workflows/ loads no modules at run time.']);
  });

  it.each([
    [
      'workflows/x.workflow.ts',
      "import { proxyActivities } from '@temporalio/workflow';\nimport { SEARCH_ATTRIBUTES } from '@him/contracts';\n" +
        "import type { IngestActivities } from '../activities/ingest/ingest.activities';\nexport { ingestWithDedupe } from './ingest.workflow';",
    ],
    ['libs/contracts/src/x.ts', "import { defineQuery } from '@temporalio/workflow';\nimport type * as workflows from '../../../workflows';"],
    ['libs/db/src/x.ts', "import { AppConfig } from '@him/config';\nimport * as fs from 'node:fs';\nimport { Entity } from '@mikro-orm/core';"],
    ['activities/ingest/x.ts', "import { IngestRepository } from '@him/db';\nimport { heartbeat } from '@temporalio/activity';"],
    ['apps/api/src/jobs/x.ts', "import type { ingestWithDedupe } from '../../../../workflows';\nimport { ModelRegistry } from '@him/registry';"],
    ['apps/worker/src/x.ts', "import { ACTIVITY_CLASSES } from '../../../activities';"],
    ['apps/web/src/pages/x.tsx', "import { api } from '../api';\nimport * as echarts from 'echarts';\nimport { useState } from 'react';"],
    ['test/unit/x.spec.ts', "import { createApiApp } from '../../apps/api/src/app.factory';\nimport { ingestWithDedupe } from '../../workflows';"],
  ])('%s: allows %s', async (file, source) => {
    expect(await findings(file, source)).toEqual([]);
  });
});
