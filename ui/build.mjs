// Builds the console to static files in ui/dist (served by the controller): scripts and the style
// sheet under names that carry their content's hash, so a browser may keep them for a year, and
// each text file beside its Brotli and gzip forms, so a gateway never compresses on the fly.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const here = fileURLToPath(new URL('.', import.meta.url));
const dist = join(here, 'dist');
rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });
const result = await build({
  entryPoints: { app: `${here}src/main.tsx`, board: `${here}src/board.tsx` },
  bundle: true,
  outdir: dist,
  entryNames: '[name]-[hash]',
  // Pages a guard rarely opens (people, maps, the installer's, admin, audit, account) load when first shown.
  splitting: true,
  chunkNames: 'chunk-[hash]',
  format: 'esm',
  target: ['chrome100', 'firefox100', 'safari15'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  minify: true,
  sourcemap: true,
  metafile: true,
  logLevel: 'warning',
});
// Entry name (app, board, style) → the hashed file name the pages must ask for.
const names = {};
for (const [out, meta] of Object.entries(result.metafile.outputs)) {
  if (meta.entryPoint) names[basename(out).replace(/-[A-Z0-9]+\.js$/, '')] = basename(out);
}
const css = readFileSync(`${here}src/style.css`);
names.style = `style-${createHash('sha256').update(css).digest('hex').slice(0, 8).toUpperCase()}.css`;
writeFileSync(join(dist, names.style), css);
// The chunks an entry imports at once, announced in its page so that the browser fetches them beside it, not after.
const preloads = {};
for (const [out, meta] of Object.entries(result.metafile.outputs)) {
  if (!meta.entryPoint) continue;
  const shared = meta.imports.filter((i) => i.kind === 'import-statement').map((i) => basename(i.path));
  preloads[basename(out)] = shared.map((f) => `<link rel="modulepreload" href="/${f}">`).join('');
}
for (const page of ['index.html', 'board.html']) {
  const entry = page === 'index.html' ? names.app : names.board;
  const html = readFileSync(`${here}src/${page}`, 'utf8')
    .replace('</head>', `${preloads[entry]}</head>`)
    .replace('/app.js', `/${names.app}`)
    .replace('/board.js', `/${names.board}`)
    .replace('/style.css', `/${names.style}`);
  writeFileSync(join(dist, page), html);
}
for (const f of readdirSync(dist)) {
  if (!/\.(js|css|html)$/.test(f)) continue;
  const body = readFileSync(join(dist, f));
  writeFileSync(join(dist, `${f}.br`), brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
  writeFileSync(join(dist, `${f}.gz`), gzipSync(body, { level: 9 }));
}
