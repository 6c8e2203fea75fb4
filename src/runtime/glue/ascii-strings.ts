import { ASCII_STRINGS_END, MEMORY_VIEWS_END, type RewriteResult } from './shared.js';

// 3. ascii-strings
//
// Every string lifted from guest memory is decoded with
//
//     TEXT_DECODER_UTF8.decode(new Uint8Array(memory0.buffer, ptr, len))
//
// which costs ~100 ns on Node 20 even for a 5-byte string (a typed array, then the decoder's
// argument checks and a call into C++); a span has ~25 such strings. Most are short ASCII
// (names, keys, ids, small JSON values). The rewrite decodes those in JS: when the bytes are in
// bounds of the cached memory view (see memory-views), at most 64 long and all below 0x80, the
// string is built with String.fromCharCode, which for ASCII gives exactly what the UTF-8 decoder
// gives (ASCII maps 1:1; the BOM and every invalid sequence involve bytes >= 0x80). Anything
// else (non-ASCII, long, out of bounds, shared or empty memory) takes the original expression,
// so errors (RangeError for a bad pointer) are unchanged. Requires memory-views.

const DECODE_CALL = /(TEXT_DECODER_UTF8)\.decode\(new Uint8Array\(_jcoMemoryBuffer\((memory\d+)\), (\w+), (\w+)\)\)/g;


/** Strings up to this many bytes are built with one String.fromCharCode call (ids are 16 and 32). */
const SHORT_ASCII_MAX = 16;

export function asciiStrings(source: string): RewriteResult {
  const name = 'ascii-strings';
  const skip = (reason: string): RewriteResult => ({ name, source, applied: false, skipped: [`${name}: ${reason}`] });
  // The decoder must be jco's default one: UTF-8, replacement characters, BOM stripped.
  if (!/\bconst TEXT_DECODER_UTF8 = new TextDecoder\(\);/.test(source)) return skip('TEXT_DECODER_UTF8 (a default TextDecoder) not found');
  const at = source.indexOf(MEMORY_VIEWS_END);
  if (at < 0) return skip('needs memory-views');
  if (source.search(DECODE_CALL) < 0) return skip('no string lifting from memory found');
  const cases = Array.from({ length: SHORT_ASCII_MAX }, (_, n) => {
    const args = Array.from({ length: n + 1 }, (_, k) => (k === 0 ? 'b[p]' : `b[p + ${k}]`));
    return `      case ${n + 1}: return fcc(${args.join(', ')});`;
  });
  // The call sites pass TEXT_DECODER_UTF8 in, so the helper makes no assumption about its scope.
  const helpers = `
  // glue-transform (ascii-strings): short ASCII strings are built in JS; anything else is decoded
  // by the decoder exactly as before.
  const _jcoShortAscii = (b, p, n) => {
    const fcc = String.fromCharCode;
    switch (n) {
      case 0: return '';
${cases.join('\n')}
    }
  };
  const _jcoNodeBuffer = typeof globalThis.Buffer === 'function' && typeof globalThis.Buffer.prototype.latin1Slice === 'function' ? globalThis.Buffer : null;
  let _jcoNodeBufferFor = null;
  let _jcoNodeBufferView = null;
  const _jcoDecodeUtf8 = (decoder, mem, ptr, len) => {
    const buffer = _jcoMemoryBuffer(mem);
    if (mem === _jcoViewMemory && len <= 64 && ptr >= 0 && len >= 0 && ptr + len <= _jcoViewBytes.length) {
      const b = _jcoViewBytes;
      const end = ptr + len;
      let bits = 0;
      for (let i = ptr; i < end; i++) bits |= b[i];
      if (bits < 0x80) {
        if (len <= ${SHORT_ASCII_MAX}) return _jcoShortAscii(b, ptr, len);
        // Longer ones in one piece, so the result is a flat string (concatenating would make a
        // rope that every later use, e.g. a trace id hashed by the host, has to flatten):
        // Node's latin1Slice (ASCII is latin1) where there is one, else one fromCharCode call.
        if (_jcoNodeBuffer !== null) {
          if (_jcoNodeBufferFor !== _jcoViewBuffer) { _jcoNodeBufferFor = _jcoViewBuffer; _jcoNodeBufferView = _jcoNodeBuffer.from(_jcoViewBuffer); }
          return _jcoNodeBufferView.latin1Slice(ptr, end);
        }
        return String.fromCharCode.apply(null, b.subarray(ptr, end));
      }
    }
    return decoder.decode(new Uint8Array(buffer, ptr, len));
  };
  ${ASCII_STRINGS_END}`;
  const insertAt = at + MEMORY_VIEWS_END.length;
  source = source.slice(0, insertAt) + helpers + source.slice(insertAt);
  source = source.replace(DECODE_CALL, (_all, decoder: string, memory: string, ptr: string, len: string) => `_jcoDecodeUtf8(${decoder}, ${memory}, ${ptr}, ${len})`);
  return { name, source, applied: true, skipped: [] };
}
