// gocxx lsp --clangd: one server that is clangd plus gocxx, driven through
// vscode-jsonrpc (test/editors/lsp_client.js). clangd's answers pass
// through (hover), its diagnostics and gocxx's of the same version arrive
// in one publishDiagnostics, gocxx's quick fixes follow clangd's code
// actions; when clangd dies gocxx says so once and goes on alone.
//
// usage: node wrapper.js GOCXX CLANGD FILE   (prints what it sees)
'use strict';
const fs = require('fs');
const { Client, sameUri, show } = require('./lsp_client');

function clangdPid(serverPid) {
  const children = fs.readFileSync(`/proc/${serverPid}/task/${serverPid}/children`, 'utf8').trim().split(/\s+/);
  return Number(children.find((pid) => fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('clangd')));
}

async function main() {
  const [gocxx, clangd, file] = process.argv.slice(2);
  const client = new Client([gocxx, 'lsp', '--clangd', clangd, '--clangd-arg=--background-index=false']);
  const init = await client.initialize();
  console.log(`server: ${init.serverInfo.name.split(' ')[0]} hover=${init.capabilities.hoverProvider} ` +
              `codeActions=${!!init.capabilities.codeActionProvider}`);

  const text = fs.readFileSync(file, 'utf8');
  const uri = client.open(file, text);
  // clangd publishes first; the merged publish of version 1 has both.
  const both = await client.until(() => {
    const p = client.published.filter((q) => sameUri(q.uri, uri) && q.version === 1).at(-1);
    return p && p.diagnostics.some((d) => d.source === 'gocxx') ? p.diagnostics : undefined;
  });
  console.log(`version 1: ${both.length} diagnostics`);
  for (const d of [...both].sort((a, b) => a.range.start.line - b.range.start.line)) console.log(`  ${show(d)}`);

  // An edit that leaves the text as it was (typed and undone): clangd does
  // not publish again, gocxx's diagnostics of the new version still come.
  const same = client.change(uri, text);
  const again = await client.until(() => {
    const p = client.published.filter((q) => q.version === same).at(-1);
    return p && p.diagnostics.some((d) => d.source === 'gocxx') ? p.diagnostics : undefined;
  });
  console.log(`unchanged text, version ${same}: ${again.length} diagnostics`);
  const bad = await client.conn.sendRequest('textDocument/codeAction', {
    textDocument: { uri }, range: { start: 5, end: 5 }, context: { diagnostics: [] },
  }).then((r) => `answered ${JSON.stringify(r)}`, (e) => `error ${e.code}`);
  console.log(`code action with a malformed range: ${bad}`);

  const line = text.split('\n').findIndex((l) => l.includes('int area()'));
  const hover = await client.conn.sendRequest('textDocument/hover',
                                              { textDocument: { uri }, position: { line, character: 5 } });
  console.log(`hover: ${JSON.stringify(hover.contents).includes('area') ? 'names area' : JSON.stringify(hover)}`);

  const heap = both.find((d) => d.code === 'gocxx-escape-heap-to-stack');
  const actions = await client.conn.sendRequest('textDocument/codeAction', {
    textDocument: { uri }, range: heap.range, context: { diagnostics: [heap] },
  });
  console.log(`actions: ${actions.filter((a) => a.title.startsWith('Fix: go::new_')).length} of gocxx's, ${actions.length} in all`);

  // clangd dies.
  process.kill(clangdPid(client.proc.pid), 'SIGKILL');
  const said = await client.until(() => client.messages[0]);
  console.log(`message: type ${said.type}: ${said.message}`);
  const gone = await client.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line, character: 5 } })
    .then(() => 'answered', (e) => `error ${e.code}: ${e.message}`);
  console.log(`hover without clangd: ${gone.replace(/\(.*\)/, '(...)')}`);
  const v2 = client.change(uri, text + '\n// edited\n');
  const alone = await client.diagnostics(uri, v2);
  console.log(`version ${v2} without clangd: ${alone.length} diagnostics from ${[...new Set(alone.map((d) => d.source))]}`);
  const after = await client.conn.sendRequest('textDocument/codeAction', {
    textDocument: { uri }, range: heap.range, context: { diagnostics: [] },
  });
  console.log(`actions without clangd: ${after.length}`);
  await new Promise((r) => setTimeout(r, 200));
  console.log(`messages: ${client.messages.length}`);
  const how = await client.shutdown();
  console.log(`exit: ${how.code}`);
}

main().catch((e) => { console.error(e); process.exit(2); });
