// Starts the page. The wasm is embedded in pkg/llmcap_web_bg.wasm.js, one character per
// byte (see scripts/embed-wasm.mjs): the page's security policy forbids fetch, so it cannot
// load a .wasm file over the network, even from its own site.
import init from './pkg/llmcap_web.js';
import wasmText from './pkg/llmcap_web_bg.wasm.js';

function decode(text) {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

// A file dropped outside the app's area must not replace the page with the file.
for (const type of ['dragover', 'drop']) {
  window.addEventListener(type, (event) => event.preventDefault());
}

try {
  await init({ module_or_path: decode(wasmText) });
} catch (error) {
  const app = document.getElementById('app');
  app.textContent = `The page could not start: ${error}. Use llmcap plan reports/*.json instead.`;
  throw error;
}
