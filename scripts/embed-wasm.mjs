// Writes a wasm file as a JavaScript module whose default export is a string of one
// character per byte (U+0000-U+00FF): the page's Content-Security-Policy forbids fetching a
// .wasm file, so the wasm travels as script. Unlike base64, a byte keeps its own character,
// so gzip still finds the wasm's repeats: 307 KB gzipped instead of 386 KB for base64.
// Only `\`, `"`, LF and CR are escaped (no other character below U+0100 ends a JavaScript
// string). The module is imported back and compared with the wasm before this returns.
//
// Usage: node scripts/embed-wasm.mjs IN.wasm OUT.js
import { readFileSync, writeFileSync, renameSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  console.error('usage: node scripts/embed-wasm.mjs IN.wasm OUT.js');
  process.exit(2);
}
const wasm = readFileSync(input);
const escapes = { 0x5c: '\\\\', 0x22: '\\"', 0x0a: '\\n', 0x0d: '\\r' };
let text = '';
const chunk = [];
for (const byte of wasm) {
  chunk.push(escapes[byte] ?? String.fromCharCode(byte));
  if (chunk.length === 65536) {
    text += chunk.join('');
    chunk.length = 0;
  }
}
text += chunk.join('');
const module = `// The page's wasm, one character per byte (see scripts/embed-wasm.mjs).\nexport default "${text}";\n`;
const temporary = `${output}.tmp.mjs`;
writeFileSync(temporary, module, 'utf8');
const back = (await import(pathToFileURL(temporary).href)).default;
const same = back.length === wasm.length && wasm.every((byte, i) => back.charCodeAt(i) === byte);
if (!same) {
  console.error(`embed-wasm: ${output} does not read back as ${input}`);
  process.exit(1);
}
renameSync(temporary, output);
