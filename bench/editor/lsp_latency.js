// How fast gocxx lsp's diagnostics follow an edit, against clangd-19's on
// the same files in the same run (issue #12's target: gocxx's time from
// didChange to publishDiagnostics at most 1.5 times clangd's), and how much
// memory the server holds after 100 edits.
//
// For each server in turn (clangd-19 alone, then gocxx lsp) and each FILE:
// open it, wait for its first diagnostics (the preamble is built), then
// EDITS times append a comment line at its end (the preamble stays) and time
// the didChange -> publishDiagnostics of that version. Prints the median and
// 90th percentile per file and server, the ratio of the medians, and the
// resident memory (VmRSS, VmHWM) of both servers after the edits.
//
// usage: node bench/editor/lsp_latency.js [--edits N] GOCXX CLANGD BUILD_DIR FILE...
//   (npm's vscode-jsonrpc from test/tools: scripts/install-test-tools.sh)
'use strict';
const fs = require('fs');
const path = require('path');
const { Client } = require('../../test/editors/lsp_client');

function memory(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key) => Number((status.match(new RegExp(`${key}:\\s+(\\d+)`)) || [0, 0])[1]);
  return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
}

const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];

async function measure(command, files, edits) {
  const client = new Client(command);
  await client.initialize();
  const out = { files: {} };
  for (const file of files) {
    let text = fs.readFileSync(file, 'utf8');
    const uri = client.open(file, text);
    const t0 = process.hrtime.bigint();
    await client.diagnostics(uri, 1, 300000);
    const first = Number(process.hrtime.bigint() - t0) / 1e6;
    const times = [];
    for (let i = 0; i < edits; ++i) {
      const lines = text.split('\n').length - 1;
      const insert = `// edit ${i}\n`;
      text += insert;
      const start = process.hrtime.bigint();
      const version = client.change(uri, [{ range: { start: { line: lines, character: 0 }, end: { line: lines, character: 0 } }, text: insert }]);
      await client.diagnostics(uri, version, 60000);
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    out.files[file] = { first, median: quantile(times, 0.5), p90: quantile(times, 0.9) };
  }
  out.memory = memory(client.proc.pid);
  await client.shutdown();
  return out;
}

async function main() {
  let args = process.argv.slice(2);
  let edits = 100;
  if (args[0] === '--edits') {
    edits = Number(args[1]);
    args = args.slice(2);
  }
  const [gocxx, clangd, buildDir, ...files] = args;
  const abs = files.map((f) => path.resolve(f));
  const clangdRun = await measure([clangd, `--compile-commands-dir=${buildDir}`, '--background-index=false'], abs, edits);
  const gocxxRun = await measure([gocxx, 'lsp', '--compile-commands-dir', buildDir], abs, edits);
  console.log(`didChange -> publishDiagnostics, ${edits} edits per file (ms)`);
  console.log('file                      clangd median/p90   gocxx median/p90   ratio   first open clangd/gocxx');
  const ratios = [];
  for (const f of abs) {
    const c = clangdRun.files[f];
    const g = gocxxRun.files[f];
    ratios.push(g.median / c.median);
    console.log(`${path.basename(f).padEnd(24)} ${c.median.toFixed(0).padStart(8)}/${c.p90.toFixed(0).padEnd(8)} ` +
                `${g.median.toFixed(0).padStart(8)}/${g.p90.toFixed(0).padEnd(8)} ${(g.median / c.median).toFixed(2).padStart(6)}   ` +
                `${c.first.toFixed(0)}/${g.first.toFixed(0)}`);
  }
  const geo = Math.exp(ratios.reduce((s, r) => s + Math.log(r), 0) / ratios.length);
  console.log(`ratio gocxx/clangd (geometric mean of the medians): ${geo.toFixed(2)} (target <= 1.5)`);
  console.log(`memory after ${edits * abs.length} edits: gocxx ${gocxxRun.memory.rss.toFixed(0)} MB resident ` +
              `(peak ${gocxxRun.memory.hwm.toFixed(0)} MB), clangd ${clangdRun.memory.rss.toFixed(0)} MB ` +
              `(peak ${clangdRun.memory.hwm.toFixed(0)} MB)`);
}

main().catch((e) => { console.error(e); process.exit(2); });
