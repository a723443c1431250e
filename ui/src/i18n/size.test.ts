import { describe, expect, test } from "vitest";
import { formatSize } from "./size";

// Intl separates the number from its unit with a no-break space; people read a space.
const read = (s: string) => s.replace(/\s/g, " ");

describe("formatSize", () => {
  test("a file under 1 ko reads in octets, never « 0 ko »", () => {
    expect(read(formatSize("fr", 8))).toBe("8 octets");
    expect(read(formatSize("fr", 1))).toBe("1 octet");
    expect(read(formatSize("fr", 0))).toBe("0 octet");
    expect(read(formatSize("fr", 1023))).toMatch(/^1\s?023 octets$/);
  });

  test("in English, bytes", () => {
    expect(read(formatSize("en", 8))).toBe("8 bytes");
    expect(read(formatSize("en", 1))).toBe("1 byte");
  });

  test("larger files in ko and Mo, as the ENT counts (powers of 1024)", () => {
    expect(read(formatSize("fr", 1024))).toBe("1 ko");
    expect(read(formatSize("fr", 200 * 1024))).toBe("200 ko");
    expect(read(formatSize("fr", 12.3 * 1024 * 1024))).toBe("12,3 Mo");
    expect(read(formatSize("en", 200 * 1024))).toBe("200 kB");
  });

  test("a size the backend got wrong shows as nothing rather than throwing", () => {
    expect(read(formatSize("fr", Number.NaN))).toBe("0 octet");
    expect(read(formatSize("fr", -5))).toBe("0 octet");
  });
});
