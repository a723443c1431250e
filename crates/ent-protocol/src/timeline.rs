//! Timeline notifications (spec §8).

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use crate::nullable::null_as_default;

/// Notification type of the messaging module (spec §8.1).
pub const MESSAGERIE: &str = "MESSAGERIE";
/// Event type of a delivered message (spec §8.1).
pub const SEND_MESSAGE: &str = "SEND-MESSAGE";

/// A timeline date: `{"$date": "<ISO-8601>"}` from the Mongo path, `{"$date": <epoch ms>}` on
/// cached paths (spec §1.3, §12 item 24). Both parse; both are kept as epoch milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct TimelineDate {
    pub epoch_millis: i64,
}

impl Serialize for TimelineDate {
    /// Written as the Mongo path writes it: `{"$date": "<ISO-8601, UTC, millis>"}`.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Wrapper {
            #[serde(rename = "$date")]
            date: String,
        }
        Wrapper {
            date: format_iso8601(self.epoch_millis),
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for TimelineDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Wrapper {
            #[serde(rename = "$date")]
            date: DateValue,
        }
        /// Also accept a bare string or number, seen outside the Mongo wrapper.
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Either {
            Wrapped(Wrapper),
            Bare(DateValue),
        }
        let value = match Either::deserialize(deserializer)? {
            Either::Wrapped(w) => w.date,
            Either::Bare(v) => v,
        };
        Ok(TimelineDate {
            epoch_millis: value.0,
        })
    }
}

/// An ISO-8601 string or an epoch-milliseconds number, as epoch milliseconds.
struct DateValue(i64);

impl<'de> Deserialize<'de> for DateValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = DateValue;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an ISO-8601 date string or epoch milliseconds")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<DateValue, E> {
                Ok(DateValue(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<DateValue, E> {
                i64::try_from(v)
                    .map(DateValue)
                    .map_err(|_| E::custom("epoch milliseconds out of range"))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<DateValue, E> {
                if v.is_finite() && v.abs() < 9.0e15 {
                    #[allow(clippy::cast_possible_truncation)]
                    Ok(DateValue(v as i64))
                } else {
                    Err(E::custom("epoch milliseconds out of range"))
                }
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<DateValue, E> {
                parse_iso8601(v)
                    .map(DateValue)
                    .ok_or_else(|| E::custom(format!("invalid ISO-8601 date {v:?}")))
            }
        }
        deserializer.deserialize_any(V)
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse of [`days_from_civil`].
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Parses `YYYY-MM-DDTHH:MM:SS[.fff][Z|±HH:MM]` (no offset means UTC) into epoch milliseconds.
pub fn parse_iso8601(s: &str) -> Option<i64> {
    let s = s.trim();
    let num = |t: &str| -> Option<i64> {
        if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        t.parse().ok()
    };
    let (date, rest) = s.split_at_checked(10)?;
    let mut parts = date.split('-');
    let (y, mo, d) = (
        num(parts.next()?)?,
        num(parts.next()?)?,
        num(parts.next()?)?,
    );
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) {
        return None;
    }
    let rest = rest.strip_prefix(['T', 't', ' '])?;
    let (hms, mut tail) = rest.split_at_checked(8)?;
    let mut t = hms.split(':');
    let (h, mi, sec) = (num(t.next()?)?, num(t.next()?)?, num(t.next()?)?);
    if h > 23 || mi > 59 || sec > 60 {
        return None;
    }
    let mut millis = 0;
    if let Some(frac) = tail.strip_prefix('.') {
        let end = frac
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(frac.len());
        let digits = &frac[..end];
        if digits.is_empty() {
            return None;
        }
        let first3: String = digits.chars().chain("000".chars()).take(3).collect();
        millis = num(&first3)?;
        tail = &frac[end..];
    }
    let offset_minutes = match tail {
        "" | "Z" | "z" => 0,
        _ => {
            let sign = match tail.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let off = tail.get(1..)?.replace(':', "");
            if off.len() != 4 {
                return None;
            }
            sign * (num(&off[..2])? * 60 + num(&off[2..])?)
        }
    };
    let secs = days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + sec - offset_minutes * 60;
    Some(secs * 1000 + millis)
}

/// Formats epoch milliseconds as `YYYY-MM-DDTHH:MM:SS.mmmZ`.
pub fn format_iso8601(epoch_millis: i64) -> String {
    let secs = epoch_millis.div_euclid(1000);
    let millis = epoch_millis.rem_euclid(1000);
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    let sod = secs.rem_euclid(86_400);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{millis:03}Z",
        sod / 3600,
        sod % 3600 / 60,
        sod % 60
    )
}

/// `params` of a MESSAGERIE notification (spec §8.1). Unknown keys are ignored.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct NotificationParams {
    /// `/userbook/annuaire#<senderId>#<profile>`.
    #[serde(deserialize_with = "null_as_default")]
    pub uri: String,
    /// Sender display name.
    #[serde(deserialize_with = "null_as_default")]
    pub username: String,
    #[serde(deserialize_with = "null_as_default")]
    pub subject: String,
    #[serde(rename = "messageUri", deserialize_with = "null_as_default")]
    pub message_uri: String,
    #[serde(rename = "resourceUri", deserialize_with = "null_as_default")]
    pub resource_uri: String,
}

/// One notification of `GET /timeline/lastNotifications` (spec §8.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    #[serde(rename = "_id")]
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(rename = "event-type", default, deserialize_with = "null_as_default")]
    pub event_type: String,
    /// The message id for MESSAGERIE notifications: prefer it to parsing `messageUri`.
    #[serde(default)]
    pub resource: Option<String>,
    #[serde(default)]
    pub sender: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub params: NotificationParams,
    pub date: TimelineDate,
    /// HTML rendered by the server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// `GET /timeline/lastNotifications` (spec §8.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LastNotifications {
    #[serde(default, deserialize_with = "null_as_default")]
    pub status: String,
    /// Count on this page.
    #[serde(default)]
    pub number: u64,
    #[serde(default, deserialize_with = "null_as_default")]
    pub results: Vec<Notification>,
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC_EXAMPLE: &str = r#"{"status":"ok","number":1,"results":[{"_id":"66f1c0","type":"MESSAGERIE","event-type":"SEND-MESSAGE",
 "resource":"0f6e2b9e","sender":"a71c",
 "params":{"uri":"/userbook/annuaire#a71c#Teacher","username":"MARTIN Paul","subject":"Conseil de classe",
   "messageUri":"/conversation/conversation#/read-mail/0f6e2b9e","resourceUri":"/conversation/conversation#/read-mail/0f6e2b9e"},
 "date":{"$date":"2026-06-10T08:13:20.000Z"},
 "message":"<a href=\"x\">MARTIN Paul</a>"}]}"#;

    #[test]
    fn the_spec_notification_example_parses_with_an_iso_date() {
        let page: LastNotifications = serde_json::from_str(SPEC_EXAMPLE).unwrap();
        let n = &page.results[0];
        assert_eq!(n.resource.as_deref(), Some("0f6e2b9e"));
        assert_eq!(n.params.username, "MARTIN Paul");
        assert_eq!(n.date.epoch_millis, 1_781_079_200_000);
    }

    #[test]
    fn a_notification_date_given_as_epoch_millis_parses_to_the_same_instant() {
        let json = SPEC_EXAMPLE.replace(r#""2026-06-10T08:13:20.000Z""#, "1781079200000");
        let page: LastNotifications = serde_json::from_str(&json).unwrap();
        assert_eq!(page.results[0].date.epoch_millis, 1_781_079_200_000);
    }

    #[test]
    fn iso_dates_with_offsets_and_without_millis_parse() {
        assert_eq!(parse_iso8601("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_iso8601("1970-01-01T01:00:00+01:00"), Some(0));
        assert_eq!(
            parse_iso8601("2026-06-10T08:13:20.5Z"),
            Some(1_781_079_200_500)
        );
        assert_eq!(parse_iso8601("not a date"), None);
        assert_eq!(parse_iso8601("2026-13-10T08:13:20Z"), None);
    }

    #[test]
    fn a_date_serialises_as_the_mongo_wrapper_and_round_trips() {
        let date = TimelineDate {
            epoch_millis: 1_781_079_200_123,
        };
        let json = serde_json::to_string(&date).unwrap();
        assert_eq!(json, r#"{"$date":"2026-06-10T08:13:20.123Z"}"#);
        assert_eq!(serde_json::from_str::<TimelineDate>(&json).unwrap(), date);
    }
}
