import { describe, expect, test } from "vitest";
import { cleanPastedHtml, htmlText, textToHtml } from "./html";

describe("cleanPastedHtml", () => {
  test("a word processor's paragraph keeps its bold and italic text but loses styles, classes and fonts", () => {
    const word =
      '<!--StartFragment--><p class="MsoNormal" style="margin:0cm"><b><span style="font-family:Calibri">Sortie</span></b> ' +
      '<font face="Arial" color="red">au <i>musée</i></font><o:p></o:p></p><!--EndFragment-->';
    expect(cleanPastedHtml(word)).toBe("<p><b>Sortie</b> au <i>musée</i></p>");
  });

  test("scripts, styles, images and event attributes disappear with their content", () => {
    const page =
      '<style>p{color:red}</style><script>alert(1)</script><p onclick="x()">Bonjour<img src="https://t.example/p.png" onerror="y()"></p>' +
      "<iframe src=\"https://evil.example\"></iframe>";
    expect(cleanPastedHtml(page)).toBe("<p>Bonjour</p>");
  });

  test("lists, quotes, underline and line breaks keep their structure", () => {
    const html =
      '<ul style="x"><li class="a">un</li><li>deux</li></ul><ol><li><u>trois</u></li></ol><blockquote cite="x">cité<br>ici</blockquote>';
    expect(cleanPastedHtml(html)).toBe(
      "<ul><li>un</li><li>deux</li></ul><ol><li><u>trois</u></li></ol><blockquote>cité<br>ici</blockquote>",
    );
  });

  test("only http(s) and mailto links are kept, with no attribute but href; others become text", () => {
    const html =
      '<a href="https://college.example/k" target="_blank" style="c">site</a> <a href="javascript:alert(1)">piège</a> ' +
      '<a href="mailto:vie.scolaire@college.example">écrire</a> <a href="data:text/html,x">data</a>';
    expect(cleanPastedHtml(html)).toBe(
      '<a href="https://college.example/k">site</a> piège <a href="mailto:vie.scolaire@college.example">écrire</a> data',
    );
  });

  test("headings and divs of a web page become paragraphs, tables leave their text", () => {
    const html = "<h1>Titre</h1><div>Ligne</div><table><tr><td>A</td><td>B</td></tr></table>";
    expect(cleanPastedHtml(html)).toBe("<p>Titre</p><p>Ligne</p><p>AB</p>");
  });

  test("text that looks like markup stays text", () => {
    expect(cleanPastedHtml("<p>1 &lt; 2 &amp; &lt;b&gt;</p>")).toBe("<p>1 &lt; 2 &amp; &lt;b&gt;</p>");
  });
});

describe("body text helpers", () => {
  test("a body of empty paragraphs has no text", () => {
    expect(htmlText("<p><br></p><p>&nbsp;</p>")).toBe("");
    expect(htmlText("<p>Bonjour</p>")).toBe("Bonjour");
  });

  test("plain text becomes escaped paragraphs", () => {
    expect(textToHtml("a < b\nsuite\n\nautre")).toBe("<p>a &lt; b<br>suite</p><p>autre</p>");
  });
});
