#!/usr/bin/env node
// Runs the TypeScript sources directly; the packaged binary bundles them instead.
import { register } from 'tsx/esm/api';
register();
await import('../controller/cli/main.ts');
