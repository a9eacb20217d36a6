// Workflow code must stay deterministic: it may import only the workflow SDK, common SDK types, our
// contracts and activity *types*. This is the lint for workflows/, run with the tests.
import * as fs from 'node:fs';
import * as path from 'node:path';

const WORKFLOWS = path.join(__dirname, '..', '..', 'workflows');
const ALLOWED = [/^@temporalio\/(workflow|common)$/, /^@him\/contracts$/, /^\.\/[\w.-]+$/];

function imports(source: string): { spec: string; typeOnly: boolean }[] {
  return [...source.matchAll(/^\s*(?:import|export)\s+(type\s+)?[^'"]*?from\s+'([^']+)'/gm)].map((m) => ({ spec: m[2], typeOnly: Boolean(m[1]) }));
}

describe('workflows/', () => {
  const files = fs.readdirSync(WORKFLOWS).filter((f) => f.endsWith('.ts'));

  it('has workflow files', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files)('%s imports only deterministic modules (activities as types only)', (file) => {
    const bad = imports(fs.readFileSync(path.join(WORKFLOWS, file), 'utf8')).filter(
      ({ spec, typeOnly }) => !ALLOWED.some((re) => re.test(spec)) && !(typeOnly && spec.startsWith('../activities/')),
    );
    expect(bad).toEqual([]);
  });

  it('the checker itself catches a forbidden import', () => {
    expect(imports("import * as fs from 'node:fs';\nimport type { X } from '../activities/x';")).toEqual([
      { spec: 'node:fs', typeOnly: false },
      { spec: '../activities/x', typeOnly: true },
    ]);
  });
});
