/** The bidirectional embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069). */
const bidiControls = /[\u202A-\u202E\u2066-\u2069]/g;

/**
 * Escapes text for HTML element content and double-quoted attribute values. A bidirectional control
 * character is shown by its code point (`[U+202E]`) rather than kept: a model name or URL holding one
 * would otherwise reverse the text after it (a server's URL shown backwards), and text of a
 * right-to-left script needs none of them to read right.
 *
 * @example
 * escapeHtml("rtl\u202Eevil <b>"); // "rtl[U+202E]evil &lt;b&gt;"
 */
export function escapeHtml(text: string): string {
  return text
    .replaceAll(bidiControls, (control) => `[U+${control.codePointAt(0)?.toString(16).toUpperCase()}]`)
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/**
 * JSON for a `<script type="application/json">` element: every `<` is escaped as `\u003c` so no data can
 * close the element, and the line separators U+2028/U+2029 are escaped too.
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replaceAll("<", "\\u003c")
    .replaceAll("\u2028", "\\u2028")
    .replaceAll("\u2029", "\\u2029");
}

/** Script text safe to inline in a `<script>` element: no `</script` can end it early. */
export function inlineScript(code: string): string {
  return code.replaceAll(/<\/(script)/gi, "<\\/$1");
}
