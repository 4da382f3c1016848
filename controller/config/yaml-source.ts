import { readFileSync } from 'node:fs';
import { isMap, isPair, isScalar, isSeq, visit, LineCounter, parseDocument, type Document } from 'yaml';

/** One problem in a config file, located for a person to fix it. */
export interface ConfigIssue {
  file: string;
  line: number;
  column: number;
  /** The field path, e.g. `devices[2].address`. */
  path: string;
  message: string;
}

export const formatIssue = (i: ConfigIssue) => `${i.file}:${i.line}:${i.column}: ${i.path || '(root)'}: ${i.message}`;

export class ConfigError extends Error {
  constructor(readonly issues: ConfigIssue[]) {
    super(issues.map(formatIssue).join('\n'));
  }
}

/** A parsed YAML file that can point back at the line of any field. */
export class YamlSource {
  readonly doc: Document;
  private readonly lines = new LineCounter();
  readonly syntaxIssues: ConfigIssue[] = [];
  private data: unknown;

  constructor(
    readonly file: string,
    text = readFileSync(file, 'utf8'),
  ) {
    this.doc = parseDocument(text, { lineCounter: this.lines, prettyErrors: false, uniqueKeys: true });
    for (const e of [...this.doc.errors, ...this.doc.warnings]) {
      const pos = this.lines.linePos(e.pos[0]);
      this.syntaxIssues.push({ file, line: pos.line, column: pos.col, path: '', message: e.message.split('\n')[0]! });
    }
    // The parser accepts an alias to an anchor that is not there; turning it into data would throw.
    visit(this.doc, {
      Alias: (_key, node, ancestors) => {
        if (node.resolve(this.doc) !== undefined) return;
        const { line, column } = this.at(node.range?.[0] ?? 0);
        const path: (string | number)[] = [];
        ancestors.forEach((a, i) => {
          if (isPair(a) && isScalar(a.key)) path.push(String(a.key.value));
          else if (isSeq(a)) path.push(a.items.indexOf((ancestors[i + 1] ?? node) as never));
        });
        this.syntaxIssues.push({
          file,
          line,
          column,
          path: formatPath(path),
          message: `alias *${node.source} names no anchor defined before it (&${node.source})`,
        });
      },
    });
    if (this.syntaxIssues.length) return;
    try {
      this.data = this.doc.toJS({ maxAliasCount: 1000 });
    } catch (err) {
      // Aliases that expand beyond reason (a "billion laughs" file) end up here.
      this.syntaxIssues.push({ file, line: 1, column: 1, path: '', message: (err as Error).message.split('\n')[0]! });
    }
  }

  /** The data; only meaningful for a source without syntax issues. */
  toJS(): unknown {
    return this.data;
  }

  /**
   * Locates a path: the value's node if it exists, else the nearest parent.
   * `key` asks for the key's own position (for an unknown field).
   */
  locate(path: (string | number)[], key = false): { line: number; column: number } {
    for (let depth = path.length; depth >= 0; depth--) {
      const parentPath = path.slice(0, Math.max(0, depth - 1));
      if (key && depth === path.length && depth > 0) {
        const parent = parentPath.length ? this.doc.getIn(parentPath, true) : this.doc.contents;
        if (isMap(parent)) {
          const pair = parent.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === path[depth - 1]);
          const range = (pair?.key as { range?: [number, number, number] } | undefined)?.range;
          if (range) return this.at(range[0]);
        }
      }
      const node = depth === 0 ? this.doc.contents : this.doc.getIn(path.slice(0, depth), true);
      const range = (node as { range?: [number, number, number] } | null)?.range;
      if (range) return this.at(range[0]);
    }
    return { line: 1, column: 1 };
  }

  private at(offset: number) {
    const p = this.lines.linePos(offset);
    return { line: p.line, column: p.col };
  }
}

export function formatPath(path: (string | number)[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}
