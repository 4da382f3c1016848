// Replaces `node-gyp-build` in the single binary. Only @serialport/bindings-cpp uses it.
const { loadAddon } = require('../../controller/native-addon.ts');

module.exports = () => loadAddon('node_modules/@serialport/bindings-cpp/build/Release/bindings.node');
