// Binary payloads as text for the one-file bundle (scripts/bundle-file.mjs): a base-122
// variant, 8 bits of payload in 7 bits of each byte of the page, where base64 spends 8 bits
// for 6. mixplan.html is a UTF-8 page, so the text costs 8/7 of the payload (14.3 % over)
// against base64's 4/3 (33.3 %).
//
// The payload is cut into 7-bit chunks (the last one padded with zero bits). A chunk is one
// ASCII character, except the six values that cannot stand as they are in the places the
// text goes (a non-executed <script type="text/plain"> block, and a single-quoted JS string
// inside a worker's script):
//
//   NUL (the HTML parser turns it into U+FFFD), LF and CR (CR and CRLF become LF; a JS
//   string cannot hold either), ' (ends the JS string), < (could start `</script` or
//   `<!--`), \ (a JS escape).
//
// Such a chunk, number i in that list, and the chunk after it go into one two-byte UTF-8
// character U+0100 + 128·i + next; a forbidden chunk with nothing after it is U+0400 + i.
// Every character is below U+0800, so one UTF-16 unit in the page, and no character is
// special to HTML or JS. The decoder gives floor(7·chunks / 8) bytes, the payload exactly.
//
// Hand-written rather than from npm: the `base-122` package forbids `"` and `&` (for HTML
// attributes) but not `'` and `<`, which are the ones that matter here, and the decoder
// has to be inlined into the page anyway.

/** Chunk values that cannot stand as themselves: NUL, LF, CR, ', <, \. */
export const FORBIDDEN = [0x00, 0x0a, 0x0d, 0x27, 0x3c, 0x5c];
/** First code point of a forbidden chunk followed by the next chunk. */
const PAIR = 0x100;
/** First code point of a forbidden chunk that ends the payload. */
const LAST = PAIR + FORBIDDEN.length * 128;

/** The text of `bytes` (a Uint8Array or Buffer). */
export function toText(bytes) {
  const chunks = [];
  let acc = 0;
  let bits = 0;
  for (const byte of bytes) {
    acc = (acc << 8) | byte;
    bits += 8;
    while (bits >= 7) {
      bits -= 7;
      chunks.push((acc >> bits) & 127);
    }
    acc &= (1 << bits) - 1;
  }
  if (bits > 0) chunks.push((acc << (7 - bits)) & 127);
  const codes = [];
  for (let i = 0; i < chunks.length; i++) {
    const forbidden = FORBIDDEN.indexOf(chunks[i]);
    if (forbidden < 0) codes.push(chunks[i]);
    else if (i + 1 < chunks.length) codes.push(PAIR + 128 * forbidden + chunks[++i]);
    else codes.push(LAST + forbidden);
  }
  const parts = [];
  for (let i = 0; i < codes.length; i += 8192) parts.push(String.fromCharCode(...codes.slice(i, i + 8192)));
  return parts.join('');
}

/**
 * The bytes of a text made by `toText`. This function's source is inlined into mixplan.html
 * (`mixplanFromText.toString()`), so it must stay self-contained: no imports, no names from
 * this module.
 */
export function mixplanFromText(text) {
  const forbidden = [0x00, 0x0a, 0x0d, 0x27, 0x3c, 0x5c];
  const out = new Uint8Array(Math.ceil((text.length * 14) / 8));
  const length = text.length;
  let n = 0;
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code < 128) {
      // One chunk (the common case, written out for speed).
      acc = (acc << 7) | code;
      bits += 7;
    } else if (code >= 0x400) {
      acc = (acc << 7) | forbidden[code - 0x400];
      bits += 7;
    } else {
      // Two chunks: at most 7 + 14 = 21 bits held.
      acc = (((acc << 7) | forbidden[(code - 0x100) >> 7]) << 7) | ((code - 0x100) & 127);
      bits += 14;
      if (bits >= 16) {
        bits -= 8;
        out[n++] = acc >> bits;
      }
    }
    if (bits >= 8) {
      bits -= 8;
      out[n++] = acc >> bits;
      acc &= (1 << bits) - 1;
    }
  }
  return out.subarray(0, n);
}

if (LAST !== 0x400) throw new Error('bundle-text: the decoder hard-codes U+0400 for a last forbidden chunk');
