// Builds the console to static files in ui/dist (served by the controller).
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
mkdirSync(`${here}dist`, { recursive: true });
await build({
  entryPoints: { app: `${here}src/main.tsx`, board: `${here}src/board.tsx` },
  bundle: true,
  outdir: `${here}dist`,
  format: 'esm',
  target: ['chrome100', 'firefox100', 'safari15'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  minify: true,
  sourcemap: true,
  logLevel: 'warning',
});
for (const f of ['index.html', 'board.html', 'style.css']) copyFileSync(`${here}src/${f}`, `${here}dist/${f}`);
