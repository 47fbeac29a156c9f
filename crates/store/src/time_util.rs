use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime, PrimitiveDateTime, Time};

/// The current time as RFC 3339 UTC, seconds precision.
pub fn now_rfc3339() -> String {
    let now = OffsetDateTime::now_utc().replace_nanosecond(0).unwrap_or(OffsetDateTime::UNIX_EPOCH);
    now.format(&Rfc3339).unwrap_or_default()
}

/// Parses an ISO 8601 date or date-time (`2024-04-02`, `2024-04-02T10:00:00Z`,
/// `2024-04-02T10:00:00+02:00`, `2024-04-02 10:00:00`) into Unix seconds.
pub fn parse_timestamp(s: &str) -> Option<i64> {
    let s = s.trim();
    if let Ok(t) = OffsetDateTime::parse(s, &Rfc3339) {
        return Some(t.unix_timestamp());
    }
    let date_part = s.get(..10)?;
    let date = Date::parse(date_part, time::macros::format_description!("[year]-[month]-[day]")).ok()?;
    let rest = s[10..].trim_start_matches(['T', ' ']);
    let time_of_day = if rest.len() >= 8 {
        Time::parse(&rest[..8], time::macros::format_description!("[hour]:[minute]:[second]")).ok()
    } else if rest.len() >= 5 {
        Time::parse(&rest[..5], time::macros::format_description!("[hour]:[minute]")).ok()
    } else {
        None
    }
    .unwrap_or(Time::MIDNIGHT);
    Some(PrimitiveDateTime::new(date, time_of_day).assume_utc().unix_timestamp())
}

/// Unix seconds as `YYYY-MM-DD HH:MM:SS` (UTC).
pub fn format_unix(t: i64) -> String {
    match OffsetDateTime::from_unix_timestamp(t) {
        Ok(d) => format!(
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
            d.year(),
            u8::from(d.month()),
            d.day(),
            d.hour(),
            d.minute(),
            d.second()
        ),
        Err(_) => String::new(),
    }
}

/// Unix seconds as RFC 3339 UTC (`2024-04-02T10:00:00Z`).
pub fn unix_to_rfc3339(t: i64) -> Option<String> {
    OffsetDateTime::from_unix_timestamp(t).ok()?.format(&Rfc3339).ok()
}

/// Seconds since the Unix epoch, now.
pub fn unix_now() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

/// Now, in Unix milliseconds.
pub fn unix_now_ms() -> i64 {
    (OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_unix_times() {
        assert_eq!(format_unix(0), "1970-01-01 00:00:00");
        assert_eq!(format_unix(951_782_400), "2000-02-29 00:00:00");
        assert_eq!(format_unix(1_700_000_000), "2023-11-14 22:13:20");
        assert_eq!(format_unix(-1), "1969-12-31 23:59:59");
        assert_eq!(unix_to_rfc3339(3_600).as_deref(), Some("1970-01-01T01:00:00Z"));
    }

    #[test]
    fn parses_common_forms() {
        assert_eq!(parse_timestamp("1970-01-02"), Some(86_400));
        assert_eq!(parse_timestamp("1970-01-01T01:00:00Z"), Some(3_600));
        assert_eq!(parse_timestamp("1970-01-01T02:00:00+01:00"), Some(3_600));
        assert_eq!(parse_timestamp("1970-01-01 00:01"), Some(60));
        assert_eq!(parse_timestamp("not a date"), None);
    }
}
