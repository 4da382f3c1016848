import { appPath } from './app-files.ts';

/** Loads a compiled addon shipped with the controller, named by its path in the source tree. */
export function loadAddon<T>(relativePath: string): T {
  const module = { exports: {} };
  // dlopen, not require: inside the single binary, require reaches built-in modules only.
  process.dlopen(module, appPath(relativePath));
  return module.exports as T;
}
