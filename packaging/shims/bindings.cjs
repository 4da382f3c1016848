// Replaces the `bindings` package in the single binary. Only better-sqlite3 uses it.
const { loadAddon } = require('../../controller/native-addon.ts');

module.exports = (name) => loadAddon(`node_modules/better-sqlite3/build/Release/${name}`);
