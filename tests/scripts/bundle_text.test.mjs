// The one-file bundle's binary-as-text encoding (scripts/bundle-text.mjs): every payload
// comes back byte for byte through the decoder that mixplan.html inlines, and the text holds
// nothing the page's <script type="text/plain"> blocks or a worker's JS string cannot hold.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { FORBIDDEN, mixplanFromText, toText } from '../../scripts/bundle-text.mjs';

// The decoder as the page runs it: rebuilt from its source text alone, so a reference to
// anything outside the function would fail here as it would in the page.
const inlinedDecoder = new Function(`${mixplanFromText.toString()}; return mixplanFromText;`)();

function roundTrip(bytes) {
  const text = toText(bytes);
  assert.deepEqual(Buffer.from(inlinedDecoder(text)), Buffer.from(bytes));
  return text;
}

function assertSafe(text) {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    assert.ok(code < 0x800, `character ${i} is U+${code.toString(16)}, beyond two UTF-8 bytes`);
    assert.ok(!FORBIDDEN.includes(code), `character ${i} is the forbidden U+${code.toString(16)}`);
  }
  assert.ok(!text.toLowerCase().includes('</script'));
  assert.ok(!text.includes('<!--'));
}

test('every length from 0 to 64 bytes of every pattern round-trips', () => {
  const patterns = [0x00, 0xff, 0x0a, 0x0d, 0x27, 0x3c, 0x5c, 0x55, 0xaa];
  for (let length = 0; length <= 64; length++) {
    for (const fill of patterns) assertSafe(roundTrip(Buffer.alloc(length, fill)));
    assertSafe(roundTrip(randomBytes(length)));
  }
});

test('payloads made only of forbidden chunks, ending on one, round-trip', () => {
  // 7 bytes = 8 chunks of 7 bits; all zero bits: every chunk is NUL, the last one alone.
  for (let length = 1; length <= 15; length++) assertSafe(roundTrip(Buffer.alloc(length, 0)));
  // Chunks 0x27 (') repeated: bits 0100111 over and over, packed into bytes.
  const chunks = Array(64).fill(0x27);
  let acc = 0n;
  for (const c of chunks) acc = (acc << 7n) | BigInt(c);
  const bytes = Buffer.from(acc.toString(16).padStart(112, '0'), 'hex');
  assertSafe(roundTrip(bytes));
});

test('a megabyte of gzip round-trips in 8/7 of its size, in UTF-8, against base64\'s 4/3', () => {
  const payload = gzipSync(randomBytes(1 << 20));
  const text = roundTrip(payload);
  assertSafe(text);
  const utf8 = Buffer.byteLength(text, 'utf8');
  const ratio = utf8 / payload.length;
  assert.ok(ratio > 8 / 7 - 0.001 && ratio < 8 / 7 + 0.001, `UTF-8 text is ${ratio} of the payload`);
  assert.ok(utf8 < payload.toString('base64').length * 0.87);
});
