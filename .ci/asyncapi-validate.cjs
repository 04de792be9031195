// Validates an AsyncAPI document with the official parser (schema and spectral rules): exits 1 on any error.
// Run with NODE_PATH pointing at a node_modules that holds @asyncapi/parser (see .ci/run).
const { readFileSync } = require('node:fs');
const { Parser, DiagnosticSeverity } = require('@asyncapi/parser');

(async () => {
  const file = process.argv[2];
  const { document, diagnostics } = await new Parser().parse(readFileSync(file, 'utf8'), { source: file });
  const names = ['error', 'warning', 'info', 'hint'];
  for (const d of diagnostics) {
    console.log(`${names[d.severity]} ${d.code} at ${d.path.join('.') || '(root)'}: ${d.message}`);
  }
  const errors = diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error).length;
  console.log(`${file}: ${errors} errors, ${diagnostics.length - errors} other diagnostics`);
  process.exit(document && errors === 0 ? 0 : 1);
})();
