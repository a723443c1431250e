import { describe, expect, test } from "vitest";
import { splitName, visibleName } from "./filename";

describe("attachment names", () => {
  test("a right-to-left override cannot make an .exe read as a .pdf", () => {
    expect(splitName("devoir_\u202Efdp.exe")).toEqual({ stem: "devoir_fdp", extension: "exe" });
  });

  test("bidi controls, zero-width and tag characters are dropped; letters of every script stay", () => {
    expect(visibleName("\u2066a\u2069\u200b\u200e\u200f\u061c\ufeff\u{E0041}b.pdf")).toBe("ab.pdf");
    expect(visibleName("élève_日本_عربي.pdf")).toBe("élève_日本_عربي.pdf");
  });

  test("the extension is the last dotted word; none for a hidden file or a bare name", () => {
    expect(splitName("Compte.Rendu.PDF")).toEqual({ stem: "Compte.Rendu", extension: "pdf" });
    expect(splitName(".bashrc")).toEqual({ stem: ".bashrc", extension: null });
    expect(splitName("LISEZMOI")).toEqual({ stem: "LISEZMOI", extension: null });
  });
});
