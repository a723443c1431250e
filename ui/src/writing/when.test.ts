import { describe, expect, test } from "vitest";
import { fromLocalInput, mondayAt730, toLocalInput, tomorrowAt730 } from "./when";

describe("« Envoyer plus tard » choices", () => {
  test("Demain 7 h 30 is the next day at 7:30", () => {
    const d = tomorrowAt730(new Date(2026, 10, 30, 22, 15));
    expect([d.getDate(), d.getMonth(), d.getHours(), d.getMinutes()]).toEqual([1, 11, 7, 30]);
  });

  test("Lundi 7 h 30 is the coming Monday, a week ahead once Monday 7:30 has passed", () => {
    // 2026-11-30 is a Monday.
    expect(mondayAt730(new Date(2026, 10, 30, 6, 0)).getDate()).toBe(30);
    expect(mondayAt730(new Date(2026, 10, 30, 9, 0)).getDate()).toBe(7);
    const fromFriday = mondayAt730(new Date(2026, 11, 4, 16, 0));
    expect([fromFriday.getDay(), fromFriday.getDate(), fromFriday.getHours()]).toEqual([1, 7, 7]);
  });

  test("a date and time typed round-trips, and anything else is refused", () => {
    const d = new Date(2026, 11, 24, 18, 5);
    expect(fromLocalInput(toLocalInput(d))?.getTime()).toBe(d.getTime());
    expect(fromLocalInput("demain")).toBeNull();
  });
});
