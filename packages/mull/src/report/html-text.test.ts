import { describe, expect, it } from "vitest";
import { escapeHtml, inlineScript, scriptJson } from "./html-text.ts";

describe("escapeHtml", () => {
  it("escapes markup in content and attribute values", () => {
    expect(escapeHtml(`<script>alert("x")</script> & 'y'`)).toBe(
      "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;",
    );
  });

  it("shows a bidirectional override by its code point, so it cannot reverse the text after it", () => {
    expect(escapeHtml("rtl\u202Eevil-model at http://127.0.0.1:1/v1")).toBe(
      "rtl[U+202E]evil-model at http://127.0.0.1:1/v1",
    );
    expect(escapeHtml("a\u2066b\u2069c\u202Ad")).toBe("a[U+2066]b[U+2069]c[U+202A]d");
  });

  it("keeps right-to-left text and the plain direction marks as they are", () => {
    expect(escapeHtml("\u05E9\u05DC\u05D5\u05DD \u200F\u0645\u0631\u062D\u0628\u0627")).toBe(
      "\u05E9\u05DC\u05D5\u05DD \u200F\u0645\u0631\u062D\u0628\u0627",
    );
  });
});

describe("scriptJson", () => {
  it("leaves no `<` that could close the script element", () => {
    expect(scriptJson({ name: "</script><script>" })).not.toContain("<");
  });
});

describe("inlineScript", () => {
  it("escapes a closing script tag in any case, so none ends the element early", () => {
    expect(inlineScript("a</script>b</SCRIPT>c</ScRiPt>")).toBe("a<\\/script>b<\\/SCRIPT>c<\\/ScRiPt>");
  });
});
