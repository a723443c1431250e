//! Quiet hours (« droit à la déconnexion »): when new mail must not be announced.
//!
//! The rule is on local wall-clock time: « de 19:00 à 07:30 » means the hours the user reads
//! on their clock, whatever the time zone and whether summer time is in force, so it is
//! decided on [`DateTime::naive_local`] of the time the app acts on
//! ([`crate::clock::now_local`]). Each evening's window, when it crosses midnight, ends on the
//! next morning; the days chosen as « toute la journée » are quiet from midnight to midnight.
//!
//! [`QuietWatch`] holds back the announcements during quiet hours and gives, once they are
//! over, the number of messages that arrived meanwhile, for one summary notification.
use std::fmt;

use chrono::{DateTime, Datelike, NaiveDateTime, NaiveTime, TimeZone, Timelike, Weekday};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A day of the week, as the settings store it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum Day {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

impl From<Weekday> for Day {
    fn from(day: Weekday) -> Self {
        match day {
            Weekday::Mon => Day::Monday,
            Weekday::Tue => Day::Tuesday,
            Weekday::Wed => Day::Wednesday,
            Weekday::Thu => Day::Thursday,
            Weekday::Fri => Day::Friday,
            Weekday::Sat => Day::Saturday,
            Weekday::Sun => Day::Sunday,
        }
    }
}

/// A time of day to the minute, written `"HH:MM"` (what an `<input type="time">` gives).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct TimeOfDay {
    minutes: u16,
}

impl TimeOfDay {
    /// `None` past 23:59.
    pub fn new(hour: u16, minute: u16) -> Option<Self> {
        (hour < 24 && minute < 60).then_some(Self {
            minutes: hour * 60 + minute,
        })
    }

    fn of(time: NaiveTime) -> Self {
        // hour() < 24 and minute() < 60: always fits.
        Self {
            minutes: u16::try_from(time.hour() * 60 + time.minute()).unwrap_or(0),
        }
    }
}

impl fmt::Display for TimeOfDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.minutes / 60, self.minutes % 60)
    }
}

/// A time that is not `HH:MM` between 00:00 and 23:59.
#[derive(Debug, thiserror::Error)]
#[error("« {0} » is not a time of day; write it HH:MM, between 00:00 and 23:59")]
pub struct BadTime(String);

impl std::str::FromStr for TimeOfDay {
    type Err = BadTime;

    fn from_str(text: &str) -> Result<Self, BadTime> {
        let bad = || BadTime(text.chars().take(16).collect());
        let (h, m) = text.trim().split_once(':').ok_or_else(bad)?;
        let (Ok(h), Ok(m)) = (h.parse::<u16>(), m.parse::<u16>()) else {
            return Err(bad());
        };
        if m > 59 || h > 23 {
            return Err(bad());
        }
        Self::new(h, m).ok_or_else(bad)
    }
}

impl Serialize for TimeOfDay {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for TimeOfDay {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// The user's quiet hours. Off by default; turned on, the suggestion is every evening from
/// 19:00 to 07:30 the next morning, and the whole weekend.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct QuietHours {
    pub enabled: bool,
    /// Each day's quiet window starts at this time…
    #[ts(type = "string")]
    pub start: TimeOfDay,
    /// …and ends at this one, the next morning when it is earlier than `start`. Equal times
    /// make no window (only the whole days are quiet).
    #[ts(type = "string")]
    pub end: TimeOfDay,
    /// Days quiet from midnight to midnight.
    pub whole_days: Vec<Day>,
}

impl Default for QuietHours {
    fn default() -> Self {
        Self {
            enabled: false,
            start: TimeOfDay { minutes: 19 * 60 },
            end: TimeOfDay {
                minutes: 7 * 60 + 30,
            },
            whole_days: vec![Day::Saturday, Day::Sunday],
        }
    }
}

impl QuietHours {
    /// Whether `at` falls in quiet hours, on the wall clock of `at`'s time zone.
    pub fn is_quiet<Tz: TimeZone>(&self, at: &DateTime<Tz>) -> bool {
        self.is_quiet_on_wall_clock(at.naive_local())
    }

    /// Whether it is quiet now ([`crate::clock::now_local`]).
    pub fn is_quiet_now(&self) -> bool {
        self.is_quiet(&crate::clock::now_local())
    }

    /// When the quiet period `at` falls in ends, on the wall clock (`None` when `at` is not quiet,
    /// or when it is quiet for the whole week ahead). Whole days and the evening window chain:
    /// a quiet Sunday followed by the 19:00–07:30 window ends on Monday at 07:30.
    pub fn ends_after(&self, at: NaiveDateTime) -> Option<NaiveDateTime> {
        if !self.is_quiet_on_wall_clock(at) {
            return None;
        }
        // To the minute, at most a week and a day ahead: 11,520 cheap steps, and no case of
        // days and windows to get wrong.
        let start = at.with_second(0)?.with_nanosecond(0)?;
        (1..=8 * 24 * 60)
            .map(|m| start + chrono::TimeDelta::minutes(m))
            .find(|t| !self.is_quiet_on_wall_clock(*t))
    }

    /// When the quiet period in force now ends, in milliseconds since the epoch (`None` when
    /// it is not quiet now): « Envoyer à 7 h 30 » in the composer.
    pub fn end_of_current_ms(&self) -> Option<i64> {
        let end = self.ends_after(crate::clock::now_local().naive_local())?;
        chrono::Local
            .from_local_datetime(&end)
            .earliest()
            .map(|d| d.timestamp_millis())
    }

    /// The rule itself, on a wall-clock date and time.
    pub fn is_quiet_on_wall_clock(&self, at: NaiveDateTime) -> bool {
        if !self.enabled {
            return false;
        }
        if self.whole_days.contains(&Day::from(at.weekday())) {
            return true;
        }
        let now = TimeOfDay::of(at.time());
        match self.start.cmp(&self.end) {
            std::cmp::Ordering::Equal => false,
            std::cmp::Ordering::Less => self.start <= now && now < self.end,
            // Across midnight: the evening part and the morning part.
            std::cmp::Ordering::Greater => now >= self.start || now < self.end,
        }
    }
}

/// What to do with new mail, given the quiet hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Announce it now.
    Announce,
    /// Quiet hours: counted for the summary when they end.
    HeldBack,
}

/// The messages that arrived during quiet hours, for the one summary when they end.
#[derive(Debug, Default)]
pub struct QuietWatch {
    held: usize,
}

impl QuietWatch {
    /// `count` new messages arrived at `now`.
    pub fn arrived<Tz: TimeZone>(
        &mut self,
        hours: &QuietHours,
        now: &DateTime<Tz>,
        count: usize,
    ) -> Verdict {
        if hours.is_quiet(now) {
            self.held = self.held.saturating_add(count);
            Verdict::HeldBack
        } else {
            Verdict::Announce
        }
    }

    /// Called often (every second): once quiet hours are over (they ended, or the user turned
    /// them off), the number of messages held back, once; `None` while quiet or if none came.
    pub fn tick<Tz: TimeZone>(&mut self, hours: &QuietHours, now: &DateTime<Tz>) -> Option<usize> {
        if self.held == 0 || hours.is_quiet(now) {
            return None;
        }
        Some(std::mem::take(&mut self.held))
    }

    /// Drops what was held (notifications turned off, the account closed).
    pub fn forget(&mut self) {
        self.held = 0;
    }

    /// How many messages wait for the summary.
    pub fn held(&self) -> usize {
        self.held
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{FixedOffset, NaiveDate, Utc};

    fn on(hours: &QuietHours, y: i32, mo: u32, d: u32, h: u32, mi: u32) -> bool {
        let at = NaiveDate::from_ymd_opt(y, mo, d)
            .unwrap()
            .and_hms_opt(h, mi, 0)
            .unwrap();
        hours.is_quiet_on_wall_clock(at)
    }

    fn suggested() -> QuietHours {
        QuietHours {
            enabled: true,
            ..QuietHours::default()
        }
    }

    // 2026-11-30 is a Monday.

    #[test]
    fn off_by_default_and_then_never_quiet() {
        let hours = QuietHours::default();
        assert!(!hours.enabled);
        assert!(!on(&hours, 2026, 11, 29, 3, 0), "Sunday night");
        assert!(!on(&hours, 2026, 11, 30, 23, 0), "Monday evening");
    }

    #[test]
    fn the_suggestion_is_quiet_on_weekday_evenings_and_mornings_and_all_weekend() {
        let hours = suggested();
        assert!(!on(&hours, 2026, 11, 30, 10, 0), "Monday morning at work");
        assert!(!on(&hours, 2026, 11, 30, 18, 59));
        assert!(on(&hours, 2026, 11, 30, 19, 0), "from 19:00");
        assert!(on(&hours, 2026, 11, 30, 23, 59));
        assert!(on(&hours, 2026, 12, 1, 0, 0), "across midnight");
        assert!(on(&hours, 2026, 12, 1, 7, 29));
        assert!(!on(&hours, 2026, 12, 1, 7, 30), "until 07:30");
        assert!(on(&hours, 2026, 12, 4, 20, 0), "Friday evening");
        assert!(on(&hours, 2026, 12, 5, 12, 0), "Saturday noon");
        assert!(on(&hours, 2026, 12, 6, 15, 0), "Sunday afternoon");
        assert!(on(&hours, 2026, 12, 7, 6, 0), "Monday before 07:30");
        assert!(!on(&hours, 2026, 12, 7, 8, 0), "Monday 08:00");
    }

    #[test]
    fn a_quiet_period_ends_where_the_evening_window_or_the_weekend_ends() {
        let hours = suggested();
        let at = |d: u32, h: u32, mi: u32| {
            NaiveDate::from_ymd_opt(2026, 12, d)
                .unwrap()
                .and_hms_opt(h, mi, 0)
                .unwrap()
        };
        assert_eq!(hours.ends_after(at(1, 10, 0)), None, "Tuesday at work");
        assert_eq!(
            hours.ends_after(at(1, 21, 15)),
            Some(at(2, 7, 30)),
            "Tuesday evening: Wednesday 07:30"
        );
        assert_eq!(hours.ends_after(at(2, 6, 0)), Some(at(2, 7, 30)));
        assert_eq!(
            hours.ends_after(at(4, 20, 0)),
            Some(at(7, 7, 30)),
            "Friday evening, then the weekend: Monday 07:30"
        );
        let always = QuietHours {
            whole_days: vec![
                Day::Monday,
                Day::Tuesday,
                Day::Wednesday,
                Day::Thursday,
                Day::Friday,
                Day::Saturday,
                Day::Sunday,
            ],
            ..suggested()
        };
        assert_eq!(always.ends_after(at(1, 10, 0)), None, "never ends");
    }

    #[test]
    fn the_chosen_days_only_are_quiet_all_day() {
        let hours = QuietHours {
            whole_days: vec![Day::Wednesday],
            ..suggested()
        };
        assert!(on(&hours, 2026, 12, 2, 14, 0), "Wednesday afternoon");
        assert!(
            !on(&hours, 2026, 12, 5, 14, 0),
            "Saturday is a day like another"
        );
    }

    #[test]
    fn a_window_within_one_day_and_an_empty_one() {
        let lunch = QuietHours {
            start: "12:00".parse().unwrap(),
            end: "13:30".parse().unwrap(),
            whole_days: vec![],
            ..suggested()
        };
        assert!(!on(&lunch, 2026, 11, 30, 11, 59));
        assert!(on(&lunch, 2026, 11, 30, 12, 0));
        assert!(!on(&lunch, 2026, 11, 30, 13, 30));
        assert!(!on(&lunch, 2026, 11, 30, 23, 0));
        let none = QuietHours {
            start: "08:00".parse().unwrap(),
            end: "08:00".parse().unwrap(),
            ..lunch
        };
        assert!(!on(&none, 2026, 11, 30, 8, 0));
    }

    #[test]
    fn the_rule_reads_the_wall_clock_of_the_time_zone_the_machine_is_in() {
        // Arrange: one instant, 17:30 UTC on a Monday.
        let hours = suggested();
        let instant = Utc.with_ymd_and_hms(2026, 11, 30, 17, 30, 0).unwrap();
        let paris = FixedOffset::east_opt(3600).unwrap();
        let reunion = FixedOffset::east_opt(4 * 3600).unwrap();
        let martinique = FixedOffset::west_opt(4 * 3600).unwrap();
        // Act + assert: 18:30 in Paris, 21:30 in La Réunion, 13:30 in Martinique.
        assert!(!hours.is_quiet(&instant.with_timezone(&paris)));
        assert!(hours.is_quiet(&instant.with_timezone(&reunion)));
        assert!(!hours.is_quiet(&instant.with_timezone(&martinique)));
    }

    #[test]
    fn summer_time_does_not_move_the_hours_on_the_clock() {
        // The night of 2026-03-29 (a Sunday) Paris goes from UTC+1 to UTC+2. With the weekend
        // not quiet, Monday 07:30 on the clock is 05:30 UTC, not 06:30 UTC.
        let hours = QuietHours {
            whole_days: vec![],
            ..suggested()
        };
        let summer = FixedOffset::east_opt(2 * 3600).unwrap();
        let winter = FixedOffset::east_opt(3600).unwrap();
        let monday = |h, m| {
            Utc.with_ymd_and_hms(2026, 3, 30, h, m, 0)
                .unwrap()
                .with_timezone(&summer)
        };
        assert!(hours.is_quiet(&monday(5, 29)), "07:29 on the clock");
        assert!(!hours.is_quiet(&monday(5, 30)), "07:30 on the clock");
        // Saturday 19:00 on the clock, still in winter time, is 18:00 UTC.
        let saturday = |h| {
            Utc.with_ymd_and_hms(2026, 3, 28, h, 0, 0)
                .unwrap()
                .with_timezone(&winter)
        };
        assert!(!hours.is_quiet(&saturday(17)));
        assert!(hours.is_quiet(&saturday(18)));
    }

    #[test]
    fn times_are_written_hh_mm_and_bad_ones_are_refused() {
        let t: TimeOfDay = "07:30".parse().unwrap();
        assert_eq!(t.to_string(), "07:30");
        assert_eq!("7:05".parse::<TimeOfDay>().unwrap().to_string(), "07:05");
        for bad in [
            "24:00",
            "12:60",
            "midi",
            "",
            "12",
            "-1:00",
            "99999999999:00",
        ] {
            assert!(bad.parse::<TimeOfDay>().is_err(), "{bad}");
        }
        let json = serde_json::to_value(suggested()).unwrap();
        assert_eq!(json["start"], "19:00");
        assert_eq!(json["end"], "07:30");
        assert_eq!(json["wholeDays"], serde_json::json!(["saturday", "sunday"]));
        let back: QuietHours = serde_json::from_value(json).unwrap();
        assert_eq!(back, suggested());
    }

    #[test]
    fn mail_held_during_quiet_hours_makes_one_summary_when_they_end() {
        // Arrange: Monday 22:00 then 23:00, quiet; Tuesday 08:00, not.
        let hours = suggested();
        let paris = FixedOffset::east_opt(3600).unwrap();
        let at = |d, h| paris.with_ymd_and_hms(2026, 12, d, h, 0, 0).unwrap();
        let mut watch = QuietWatch::default();

        // Act + assert
        assert_eq!(watch.arrived(&hours, &at(1, 22), 2), Verdict::HeldBack);
        assert_eq!(watch.tick(&hours, &at(1, 22)), None, "still quiet");
        assert_eq!(watch.arrived(&hours, &at(1, 23), 1), Verdict::HeldBack);
        assert_eq!(watch.tick(&hours, &at(2, 8)), Some(3), "they ended");
        assert_eq!(watch.tick(&hours, &at(2, 8)), None, "only once");
        assert_eq!(watch.arrived(&hours, &at(2, 9), 1), Verdict::Announce);
        assert_eq!(watch.tick(&hours, &at(2, 9)), None, "nothing held");
    }

    #[test]
    fn no_summary_when_no_mail_came() {
        let hours = suggested();
        let paris = FixedOffset::east_opt(3600).unwrap();
        let mut watch = QuietWatch::default();
        let morning = paris.with_ymd_and_hms(2026, 12, 2, 8, 0, 0).unwrap();
        assert_eq!(watch.tick(&hours, &morning), None);
        watch.arrived(
            &hours,
            &paris.with_ymd_and_hms(2026, 12, 1, 22, 0, 0).unwrap(),
            1,
        );
        watch.forget();
        assert_eq!(watch.tick(&hours, &morning), None, "forgotten");
    }
}
