/** The Node.js line the binary is built on: the current LTS, from the npm registry's node-linux-* packages. */
export const NODE_VERSION = '26.10.0';

export type Arch = 'x64' | 'arm64';
export const arches: readonly Arch[] = ['x64', 'arm64'];

/** Debian's cross toolchain; x64 builds with the host compiler. */
export const toolchain: Record<Arch, Record<string, string>> = {
  x64: {},
  arm64: {
    CC: 'aarch64-linux-gnu-gcc',
    CXX: 'aarch64-linux-gnu-g++',
    LINK: 'aarch64-linux-gnu-g++',
    AR: 'aarch64-linux-gnu-ar',
  },
};

export const stripTool: Record<Arch, string> = { x64: 'strip', arm64: 'aarch64-linux-gnu-strip' };

/** Runs a foreign-arch binary here: binfmt_misc is not mounted, so qemu is called by name. */
export function runner(arch: Arch): string[] {
  if (arch === process.arch) return [];
  return ['qemu-aarch64-static', '-L', '/usr/aarch64-linux-gnu'];
}

/** The native addons the controller loads: the source directory and the file its build produces. */
export const addons = [
  { dir: 'node_modules/better-sqlite3', file: 'build/Release/better_sqlite3.node' },
  { dir: 'node_modules/@serialport/bindings-cpp', file: 'build/Release/bindings.node' },
  { dir: 'native/sd-notify', file: 'build/Release/sd_notify.node' },
] as const;
