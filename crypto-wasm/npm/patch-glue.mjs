// Makes wasm-bindgen's glue load crypto_wasm_relaxed_bg.wasm where the engine has
// WebAssembly relaxed SIMD, else crypto_wasm_bg.wasm. Run by scripts/build-pkg.sh:
//   node patch-glue.mjs <web|nodejs> <dir>
// It fails loudly if the glue no longer has the line it rewrites.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [target, dir] = process.argv.slice(2);

// A module whose one function uses i8x16.relaxed_swizzle (0xfd 0x100): it validates
// exactly where relaxed SIMD is available.
const PROBE =
  'new Uint8Array([0,97,115,109,1,0,0,0,1,5,1,96,0,1,123,3,2,1,0,10,15,1,13,0,65,0,253,15,65,0,253,15,253,128,2,11])';
const HAS_RELAXED = `WebAssembly.validate(${PROBE})`;

const rewrites = {
  nodejs: [
    'const wasmPath = `${__dirname}/crypto_wasm_bg.wasm`;',
    '// Relaxed SIMD where the engine has it (same API and results, faster AES).\n' +
      `const wasmPath = \`\${__dirname}/\${${HAS_RELAXED} ? 'crypto_wasm_relaxed_bg.wasm' : 'crypto_wasm_bg.wasm'}\`;`,
  ],
  web: [
    "module_or_path = new URL('crypto_wasm_bg.wasm', import.meta.url);",
    '// Relaxed SIMD where the engine has it (same API and results, faster AES).\n' +
      `        module_or_path = ${HAS_RELAXED} ? new URL('crypto_wasm_relaxed_bg.wasm', import.meta.url) : new URL('crypto_wasm_bg.wasm', import.meta.url);`,
  ],
};

const file = join(dir, 'crypto_wasm.js');
const glue = readFileSync(file, 'utf8');
const [from, to] = rewrites[target] ?? [];
if (!from || glue.split(from).length !== 2) {
  console.error(`patch-glue: ${file} does not contain exactly one "${from}"`);
  process.exit(1);
}
writeFileSync(file, glue.replace(from, to));

// The baseline build must not need relaxed SIMD. Checkable where this engine lacks it.
const hasRelaxed = new Function(`return ${HAS_RELAXED}`)();
if (!hasRelaxed && !WebAssembly.validate(readFileSync(join(dir, 'crypto_wasm_bg.wasm')))) {
  console.error('patch-glue: the simd128 build does not validate without relaxed SIMD');
  process.exit(1);
}
