/**
 * The dependency rule of the tree, checked in `npm test`. dependency-cruiser
 * and madge read TypeScript through the compiler's JavaScript API, which
 * TypeScript 7 no longer has; this reads the import lines itself, which is
 * all the rule needs, since every import here is a relative path or a package.
 *
 * Rules (docs/architecture.md, "Dependencies"):
 * - a driver imports only drivers/, the shared types and the backoff helper;
 * - core imports no driver except the contract, and nothing above it (features, API, CLI, uplink);
 * - the store imports no API, feature or driver code;
 * - product code imports no simulator, test helper, benchmark or demo;
 * - no cycles of imports that remain at run time (type-only imports are erased).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const SHARED_WITH_DRIVERS = [
  'controller/core/types.ts',
  'controller/core/logger.ts',
  'controller/core/backoff.ts',
  'controller/config/types.ts',
];

export interface Import {
  from: string;
  to: string;
  typeOnly: boolean;
  line: number;
}

const IMPORT =
  /^\s*(import|export)\s+(type\s+)?(?:[\w*${}\s,]+?\s+from\s+)?['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/gm;

/** The relative imports of one file, resolved to paths from the root. */
export function importsOf(file: string, source: string): Import[] {
  const out: Import[] = [];
  for (const m of source.matchAll(IMPORT)) {
    const spec = m[3] ?? m[4]!;
    const line = source.slice(0, m.index).split('\n').length;
    out.push({ from: file, to: normalize(join(dirname(file), spec)), typeOnly: Boolean(m[2]), line });
  }
  return out;
}

const isTest = (f: string) => /\.test\.tsx?$/.test(f);
const under = (f: string, dir: string) => f.startsWith(`${dir}/`);

/** Why an import breaks the rule, or null. */
export function violation(i: Import): string | null {
  const { from, to } = i;
  if (isTest(from)) return null;
  const product = ['controller', 'drivers', 'ui/src'].some((d) => under(from, d));
  if (product && ['hil-tests', 'bench', 'fuzz', 'demo'].some((d) => under(to, d)))
    return 'product code imports a simulator, test helper, benchmark or the demo';
  if (under(from, 'drivers') && !under(to, 'drivers') && !SHARED_WITH_DRIVERS.includes(to))
    return 'a driver imports controller code other than the shared types';
  if (under(from, 'controller/core')) {
    if (under(to, 'drivers') && to !== 'drivers/contract.ts') return 'core imports a driver';
    for (const d of ['features', 'api', 'cli', 'admin', 'uplink', 'audit'])
      if (under(to, `controller/${d}`)) return `core imports controller/${d}`;
  }
  if (under(from, 'controller/store')) {
    for (const d of ['controller/api', 'controller/features', 'drivers'])
      if (under(to, d)) return `the store imports ${d}`;
  }
  return null;
}

/** Cycles among run-time imports, each as the list of files around it. */
export function cycles(imports: Import[]): string[][] {
  const edges = new Map<string, string[]>();
  for (const i of imports) if (!i.typeOnly) edges.set(i.from, [...(edges.get(i.from) ?? []), i.to]);
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (f: string) => {
    state.set(f, 'open');
    stack.push(f);
    for (const t of edges.get(f) ?? []) {
      if (state.get(t) === 'open') found.push([...stack.slice(stack.indexOf(t)), t]);
      else if (!state.has(t)) visit(t);
    }
    stack.pop();
    state.set(f, 'done');
  };
  for (const f of edges.keys()) if (!state.has(f)) visit(f);
  return found;
}

function sources(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'dist') return [];
    if (statSync(join(root, path)).isDirectory()) return sources(path);
    return /\.tsx?$/.test(name) ? [path] : [];
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const files = ['controller', 'drivers', 'ui/src', 'demo', 'hil-tests', 'bench', 'fuzz', 'packaging'].flatMap(sources);
  const imports = files.flatMap((f) => importsOf(relative(root, join(root, f)), readFileSync(join(root, f), 'utf8')));
  const broken = imports.flatMap((i) => {
    const why = violation(i);
    return why ? [`${i.from}:${i.line}: ${why}: ${i.to}`] : [];
  });
  const loops = cycles(imports.filter((i) => !isTest(i.from))).map((c) => `cycle: ${c.join(' -> ')}`);
  for (const line of [...broken, ...loops]) console.error(line);
  console.log(
    `dependencies: ${files.length} files, ${imports.length} imports, ${broken.length + loops.length} problems`,
  );
  process.exitCode = broken.length + loops.length ? 1 : 0;
}
