import { expect, test } from "vitest";
import { htmlText } from "./html";

test("a body of empty paragraphs has no text", () => {
  expect(htmlText("<p><br></p><p>&nbsp;</p>")).toBe("");
  expect(htmlText("<p>Bonjour</p>")).toBe("Bonjour");
});
