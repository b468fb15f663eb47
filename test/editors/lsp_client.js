// A language client for gocxx's editor tests, built on vscode-jsonrpc (the
// JSON-RPC layer of VS Code's own language client, from the npm registry:
// test/tools/package.json). It starts a server, speaks LSP to it and keeps
// what the server publishes, so that a test can wait for it.
'use strict';
const path = require('path');
const fs = require('fs');
const { spawn } = require('child_process');
const rpc = require(path.join(__dirname, '..', 'tools', 'node_modules', 'vscode-jsonrpc', 'node'));

// encodeURIComponent leaves ( ) ! ' * as they are, as Neovim does and
// clangd does not: servers and clients spell one file's URI differently,
// and compare URIs decoded.
function uriOf(file) {
  return 'file://' + path.resolve(file).split('/').map(encodeURIComponent).join('/');
}

function sameUri(a, b) {
  return decodeURIComponent(a) === decodeURIComponent(b);
}

class Client {
  // `command`: argv of the server.
  constructor(command, { stderr = 'ignore' } = {}) {
    this.proc = spawn(command[0], command.slice(1), { stdio: ['pipe', 'pipe', stderr] });
    this.exited = new Promise((resolve) => this.proc.on('exit', (code, signal) => resolve({ code, signal })));
    this.conn = rpc.createMessageConnection(new rpc.StreamMessageReader(this.proc.stdout),
                                            new rpc.StreamMessageWriter(this.proc.stdin));
    this.published = [];  // every publishDiagnostics params, in order
    this.messages = [];   // window/showMessage params
    this.waiters = [];
    this.conn.onNotification('textDocument/publishDiagnostics', (p) => { this.published.push(p); this.wake(); });
    this.conn.onNotification('window/showMessage', (p) => { this.messages.push(p); this.wake(); });
    this.conn.onNotification(() => {});
    // clangd asks the client for progress tokens and the like.
    this.conn.onRequest(() => null);
    this.conn.listen();
    this.versions = new Map();
  }

  wake() {
    for (const w of this.waiters.splice(0)) w();
  }

  // Resolves with the first value `probe` returns that is not undefined,
  // checked whenever something arrives; rejects after `ms`.
  until(probe, ms = 60000, what = 'a condition') {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting for ' + what)), ms);
      const check = () => {
        const v = probe();
        if (v !== undefined) {
          clearTimeout(timer);
          resolve(v);
        } else {
          this.waiters.push(check);
        }
      };
      check();
    });
  }

  // The diagnostics published for `uri` at `version` (the latest such).
  diagnostics(uri, version, ms) {
    return this.until(() => {
      for (let i = this.published.length - 1; i >= 0; --i) {
        const p = this.published[i];
        if (sameUri(p.uri, uri) && (version === undefined || p.version === version)) return p.diagnostics;
      }
      return undefined;
    }, ms, `diagnostics of ${uri} version ${version}`);
  }

  async initialize(capabilities = {}, initializationOptions = undefined) {
    const result = await this.conn.sendRequest('initialize', {
      processId: process.pid,
      rootUri: null,
      capabilities: Object.assign({
        textDocument: { publishDiagnostics: { relatedInformation: true }, hover: { contentFormat: ['plaintext'] } },
        general: { positionEncodings: ['utf-16'] },
      }, capabilities),
      initializationOptions,
    });
    await this.conn.sendNotification('initialized', {});
    return result;
  }

  open(file, text) {
    const uri = uriOf(file);
    this.versions.set(uri, 1);
    this.conn.sendNotification('textDocument/didOpen',
                               { textDocument: { uri, languageId: 'cpp', version: 1, text: text ?? fs.readFileSync(file, 'utf8') } });
    return uri;
  }

  // Sends one didChange (incremental changes, or a whole text); its version.
  change(uri, changes) {
    const version = this.versions.get(uri) + 1;
    this.versions.set(uri, version);
    if (typeof changes === 'string') changes = [{ text: changes }];
    this.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: changes });
    return version;
  }

  async shutdown() {
    await this.conn.sendRequest('shutdown');
    this.conn.sendNotification('exit');
    const how = await this.exited;
    this.conn.dispose();
    return how;
  }
}

// Applies LSP TextEdits (one document's, non-overlapping) to `text`, in
// UTF-16 positions, as an editor does.
function applyEdits(text, edits) {
  const starts = [0];
  for (let i = 0; i < text.length; ++i) if (text[i] === '\n') starts.push(i + 1);
  const offset = (p) => Math.min((starts[p.line] ?? text.length) + p.character, text.length);
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  for (const e of sorted) text = text.slice(0, offset(e.range.start)) + e.newText + text.slice(offset(e.range.end));
  return text;
}

// A diagnostic as one line: line:character (1-based, for humans) code message.
function show(d) {
  const first = d.message.split('\n')[0];
  return `${d.range.start.line + 1}:${d.range.start.character + 1} ${d.source ?? '?'} ${d.code ?? ''} ${first}`;
}

module.exports = { Client, uriOf, sameUri, applyEdits, show };
