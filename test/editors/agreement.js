// gocxx lsp shows what gocxx check finds: for each FILE, the diagnostics
// the language server publishes when the file is opened (its checks run
// over the document's own declarations, its includes come from a
// precompiled preamble) against `gocxx check`'s findings in that file --
// position, check id, message, notes and whether there is a fix.
//
// usage: node agreement.js GOCXX BUILD_DIR FILE...
// Prints a line per file that differs and a summary; exits 1 on any
// difference.
'use strict';
const path = require('path');
const { execFileSync } = require('child_process');
const { Client, uriOf } = require('./lsp_client');

function key(file, line, column, check, message, notes, fixable) {
  return `${path.basename(file)}:${line}:${column} ${check} ${message} [${notes.join(' | ')}]${fixable ? ' (fix)' : ''}`;
}

async function main() {
  const [gocxx, buildDir, ...files] = process.argv.slice(2);
  let out;
  try {
    out = execFileSync(gocxx, ['check', '-p', buildDir, '--format=json', ...files], { stdio: ['ignore', 'pipe', 'ignore'] });
  } catch (e) {
    out = e.stdout;  // 1: findings; 2: a unit that does not compile (its file has none in either)
  }
  const report = JSON.parse(out);
  const expected = new Map(files.map((f) => [path.resolve(f), []]));
  for (const d of report.diagnostics) {
    const file = path.resolve(d.file);
    if (!expected.has(file)) continue;  // in a header
    const notes = d.notes.filter((n) => path.resolve(n.file) === file).map((n) => `${n.line}:${n.column} ${n.message}`);
    expected.get(file).push(key(file, d.line, d.column, d.check, d.message, notes, d.fixes.length > 0));
  }

  const client = new Client([gocxx, 'lsp', '--compile-commands-dir', buildDir]);
  await client.initialize();
  let differ = 0;
  let findings = 0;
  for (const file of files.map((f) => path.resolve(f))) {
    const uri = client.open(file);
    const diags = await client.diagnostics(uri, 1, 120000);
    const actions = await client.conn.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 1 << 30, character: 0 } },
      context: { diagnostics: [] },
    });
    const fixed = new Set(actions.map((a) => JSON.stringify(a.diagnostics[0])));
    // The sources are ASCII: a UTF-16 character is a byte.
    const got = diags.map((d) => key(file, d.range.start.line + 1, d.range.start.character + 1, d.code, d.message,
                                      (d.relatedInformation ?? []).filter((r) => r.location.uri === uri)
                                        .map((r) => `${r.location.range.start.line + 1}:${r.location.range.start.character + 1} ${r.message}`),
                                      fixed.has(JSON.stringify(d))));
    const want = expected.get(file);
    findings += want.length;
    const missing = want.filter((k) => !got.includes(k));
    const extra = got.filter((k) => !want.includes(k));
    if (missing.length || extra.length || got.length !== want.length) {
      ++differ;
      console.log(`DIFFER ${path.basename(file)}`);
      for (const k of missing) console.log(`  only gocxx check: ${k}`);
      for (const k of extra) console.log(`  only gocxx lsp:   ${k}`);
    }
    client.conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }
  await client.shutdown();
  console.log(`agreement: ${files.length} files, ${findings} findings, ${differ} files differ`);
  process.exit(differ ? 1 : 0);
}

main().catch((e) => { console.error(e); process.exit(2); });
