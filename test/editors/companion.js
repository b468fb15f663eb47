// gocxx lsp as an editor meets it, driven by vscode-jsonrpc: diagnostics on
// open, after an edit (moved with the text), a quick fix asked for,
// applied and the result analysed again, didSave, didClose, shutdown.
//
// usage: node companion.js GOCXX FILE   (FILE has a compile command)
// Prints what it sees for FileCheck.
'use strict';
const fs = require('fs');
const { Client, applyEdits, show } = require('./lsp_client');

async function main() {
  const [gocxx, file] = process.argv.slice(2);
  const client = new Client([gocxx, 'lsp']);
  const init = await client.initialize();
  const caps = init.capabilities;
  console.log(`server: ${init.serverInfo.name} encoding=${caps.positionEncoding} change=${caps.textDocumentSync.change} ` +
              `codeActionKinds=${caps.codeActionProvider.codeActionKinds}`);

  let text = fs.readFileSync(file, 'utf8');
  const uri = client.open(file, text);
  let diags = await client.diagnostics(uri, 1);
  console.log(`open: ${diags.length} diagnostics`);
  for (const d of diags) console.log(`  ${show(d)}`);
  const leak = diags.find((d) => d.code === 'gocxx-leak-blocked-send');
  console.log(`link: ${leak.codeDescription.href}`);
  for (const r of leak.relatedInformation ?? []) console.log(`  related ${r.location.range.start.line + 1}: ${r.message}`);

  // An edit above the findings: two lines inserted (incremental change).
  const at = text.split('\n').findIndex((l) => l.startsWith('// EDIT HERE'));
  const inserted = '// one\n// two\n';
  text = applyEdits(text, [{ range: { start: { line: at, character: 0 }, end: { line: at, character: 0 } }, newText: inserted }]);
  const v2 = client.change(uri, [{ range: { start: { line: at, character: 0 }, end: { line: at, character: 0 } }, text: inserted }]);
  diags = await client.diagnostics(uri, v2);
  console.log(`edit: version ${v2}, ${diags.length} diagnostics`);
  for (const d of diags) console.log(`  ${show(d)}`);

  // The quick fix of the heap-to-stack finding, asked for at its position.
  const heap = diags.find((d) => d.code === 'gocxx-escape-heap-to-stack');
  const actions = await client.conn.sendRequest('textDocument/codeAction', {
    textDocument: { uri }, range: { start: heap.range.start, end: heap.range.start },
    context: { diagnostics: [heap] },
  });
  console.log(`actions: ${actions.length}`);
  for (const a of actions) console.log(`  ${a.kind} preferred=${a.isPreferred} for=${a.diagnostics[0].code} ${a.title}`);
  const none = await client.conn.sendRequest('textDocument/codeAction', {
    textDocument: { uri }, range: { start: heap.range.start, end: heap.range.start },
    context: { diagnostics: [], only: ['refactor'] },
  });
  console.log(`actions for refactor only: ${none.length}`);
  text = applyEdits(text, actions[0].edit.changes[uri]);
  fs.writeFileSync('fixed.cpp', text);
  for (const line of text.split('\n')) if (line.includes('_obj')) console.log(`fixed: ${line.trim()}`);
  const v3 = client.change(uri, text);
  diags = await client.diagnostics(uri, v3);
  console.log(`after the fix: version ${v3}, ${diags.length} diagnostics`);
  for (const d of diags) console.log(`  ${show(d)}`);

  // A line that does not compile: no gocxx diagnostics (clangd shows the
  // error), then they come back.
  const v4 = client.change(uri, text + '\nint broken = ;\n');
  diags = await client.diagnostics(uri, v4);
  console.log(`broken: version ${v4}, ${diags.length} diagnostics`);
  const v5 = client.change(uri, text);
  diags = await client.diagnostics(uri, v5);
  console.log(`mended: version ${v5}, ${diags.length} diagnostics`);

  client.conn.sendNotification('textDocument/didSave', { textDocument: { uri } });
  diags = await client.until(() => (client.published.filter((p) => p.version === v5).length >= 2 ? client.published.at(-1).diagnostics : undefined));
  console.log(`saved: ${diags.length} diagnostics`);
  client.conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
  const closed = await client.conn.sendRequest('textDocument/codeAction', {
    textDocument: { uri }, range: heap.range, context: { diagnostics: [] },
  });
  console.log(`closed: ${closed.length} actions`);
  const how = await client.shutdown();
  console.log(`exit: ${how.code}`);
}

main().catch((e) => { console.error(e); process.exit(2); });
