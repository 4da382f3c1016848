import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/**
 * bench/RESULTS.md: one block of printed figures per benchmark section, each stamped with the
 * commit and date of the run that wrote it. A run of some sections (BENCH_ONLY) replaces those
 * and keeps the rest, so the file always holds the latest figure of each.
 */
export function writeResults(file: URL, order: readonly string[], fresh: Map<string, string[]>, stamp: string): void {
  const kept = new Map<string, string>();
  if (existsSync(file)) {
    for (const m of readFileSync(file, 'utf8').matchAll(/^## (\w+)\n([\s\S]*?)(?=^## |(?![\s\S]))/gm))
      kept.set(m[1]!, m[2]!.trimEnd());
  }
  for (const [name, lines] of fresh) kept.set(name, `_${stamp}_\n\n\`\`\`\n${lines.join('\n').trim()}\n\`\`\``);
  const body = order.filter((s) => kept.has(s)).map((s) => `## ${s}\n${kept.get(s)}\n`);
  writeFileSync(
    file,
    `# Benchmark results\n\nWritten by \`npm run bench\` (docs/capacity.md explains each): do not edit, run it again.\n\n${body.join('\n')}`,
  );
}
