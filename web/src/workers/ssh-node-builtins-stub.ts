// Stands in for Node built-ins (crypto, stream, net, path, os, fs) and the optional node-rsa that @microsoft/dev-tunnels-ssh
// and vscode-jsonrpc@4 `require` on Node-only code paths the browser never runs (vite.config.ts
// aliases them here). `stream` is subclassed at load time, hence the classes.
class NodeOnly {}
export const Duplex = NodeOnly;
export const Readable = NodeOnly;
export const Writable = NodeOnly;
export const Transform = NodeOnly;
export default { Duplex, Readable, Writable, Transform };
