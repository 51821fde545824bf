#!/usr/bin/env node
// What a wasm module is made of, by crate (README "Offline", sizes): reads the function names
// a cargo build leaves in the module (before wasm-bindgen and wasm-opt strip them), adds up
// each function's code size under the crate its mangled name starts with (for a trait impl,
// the implementing type's crate, or the trait's when the type is foreign), and prints the
// largest. Generic code is counted under the crate that defines it (a Leptos view's
// monomorphisations under tachys), not the one that instantiates it.
//
//   node scripts/wasm-crates.mjs target/wasm32-unknown-unknown/wasm-page/mixplan-app.wasm [N] [--modules]
//
// --modules: by crate and module (two levels; three for mixplan's own crates).
import { readFileSync } from 'node:fs';

/** `{ sections: { id: bytes }, funcs: [{ name, size }] }` of the module in `buf`. */
export function wasmFunctions(buf) {
  let p = 8;
  const leb = () => { let r = 0; let s = 0; let b; do { b = buf[p++]; r += (b & 0x7f) * 2 ** s; s += 7; } while (b & 0x80); return r; };
  let imported = 0; const bodies = []; const names = new Map(); const sections = {};
  while (p < buf.length) {
    const id = buf[p++]; const size = leb(); const end = p + size;
    if (id === 2) {
      const n = leb();
      for (let i = 0; i < n; i++) {
        const module = leb(); p += module; const field = leb(); p += field; const kind = buf[p++];
        if (kind === 0) { leb(); imported++; } else if (kind === 1) { p++; const f = leb(); leb(); if (f & 1) leb(); } else if (kind === 2) { const f = leb(); leb(); if (f & 1) leb(); } else if (kind === 3) { p += 2; } else if (kind === 4) { p++; leb(); }
      }
    } else if (id === 10) {
      const n = leb();
      for (let i = 0; i < n; i++) { const s = leb(); bodies.push(s); p += s; }
    } else if (id === 0) {
      const length = leb(); const name = buf.slice(p, p + length).toString(); p += length;
      if (name === 'name') {
        while (p < end) {
          const sub = buf[p++]; const ss = leb(); const se = p + ss;
          if (sub === 1) { const n = leb(); for (let i = 0; i < n; i++) { const idx = leb(); const l2 = leb(); names.set(idx, buf.slice(p, p + l2).toString()); p += l2; } }
          p = se;
        }
      }
    }
    sections[id] = (sections[id] ?? 0) + size;
    p = end;
  }
  return { sections, funcs: bodies.map((size, i) => ({ size, name: names.get(imported + i) ?? '' })) };
}

const decode = (s) => s.replace(/\$LT\$/g, '<').replace(/\$GT\$/g, '>').replace(/\$u20\$/g, ' ').replace(/\$C\$/g, ',')
  .replace(/\$RF\$/g, '&').replace(/\$LP\$/g, '(').replace(/\$RP\$/g, ')').replace(/\$u7b\$/g, '{').replace(/\$u7d\$/g, '}').replace(/\.\./g, '::');

/** The path segments of a legacy-mangled Rust name (`_ZN…E`), decoded. */
function segments(name) {
  if (!name.startsWith('_ZN')) return [name];
  const out = []; let i = 3;
  while (i < name.length && name[i] !== 'E') { let n = 0; while (/[0-9]/.test(name[i])) n = n * 10 + Number(name[i++]); out.push(decode(name.slice(i, i + n))); i += n; }
  return out;
}

/** The crate (and module, with `modules`) a function's name belongs to. */
export function owner(name, modules = false) {
  const c = segments(name);
  let first = c[0];
  if (first.startsWith('_<')) {
    const self = /^_<(?:impl )?(?:&(?:mut )?)?(?:dyn )?([A-Za-z_][A-Za-z0-9_]*)/.exec(first);
    const trait = / as ([A-Za-z_][A-Za-z0-9_]*)::/.exec(first);
    first = self && /^[A-Z]/.test(self[1]) && trait ? trait[1] : (self ? self[1] : first);
    if (first === 'impl') first = c[1] ?? first;
  } else if (first.startsWith('_R')) {
    first = '(v0-mangled std/core)';
  }
  if (!modules) return first;
  const rest = c.slice(1).filter((x) => !/^h[0-9a-f]{16}$/.test(x) && !x.startsWith('_'));
  return [first, ...rest].slice(0, first.startsWith('mixplan') ? 3 : 2).join('::');
}

if (process.argv[1]?.endsWith('wasm-crates.mjs')) {
  const [file, top = '30'] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  if (!file) { console.error('usage: node scripts/wasm-crates.mjs FILE.wasm [N] [--modules]'); process.exit(2); }
  const { sections, funcs } = wasmFunctions(readFileSync(file));
  if (!funcs.some((f) => f.name)) { console.error(`${file} has no function names: use the cargo output under target/, not dist/ (wasm-opt strips them)`); process.exit(1); }
  const total = funcs.reduce((t, f) => t + f.size, 0);
  const by = new Map();
  for (const f of funcs) { const k = owner(f.name, process.argv.includes('--modules')); by.set(k, (by.get(k) ?? 0) + f.size); }
  console.log(`${file}: code ${total} B in ${funcs.length} functions, data ${sections[11] ?? 0} B (before wasm-bindgen and wasm-opt)`);
  console.log('| crate | code | share |\n|---|---|---|');
  for (const [k, v] of [...by].sort((a, b) => b[1] - a[1]).slice(0, Number(top))) console.log(`| ${k} | ${v.toLocaleString('en-US')} B | ${(100 * v / total).toFixed(1)} % |`);
}
