//! E-mail digest schedules of watches: which period a match falls in, and when that period's message is due.

use std::fmt;
use std::str::FromStr;

use crate::StoreError;

const HOUR: i64 = 3_600;
const DAY: i64 = 86_400;

/// When a watch's e-mail digest goes out (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Digest {
    /// At the top of every hour, with the matches of the hour before.
    Hourly,
    /// Every day at this minute of the day (UTC), with the matches of the 24 hours before.
    Daily {
        /// Minutes after midnight UTC, 0..1440.
        minute_of_day: u16,
    },
}

impl Digest {
    /// The period holding the Unix time `ts`, as `[start, end)`: the digest with `ts`'s
    /// matches is due at `end`.
    pub fn period_of(self, ts: i64) -> (i64, i64) {
        match self {
            Digest::Hourly => {
                let start = ts.div_euclid(HOUR) * HOUR;
                (start, start + HOUR)
            }
            Digest::Daily { minute_of_day } => {
                let offset = i64::from(minute_of_day) * 60;
                let start = (ts - offset).div_euclid(DAY) * DAY + offset;
                (start, start + DAY)
            }
        }
    }
}

impl FromStr for Digest {
    type Err = StoreError;

    fn from_str(s: &str) -> Result<Digest, StoreError> {
        let bad = || StoreError::BadDigest(s.to_owned());
        if s == "hourly" {
            return Ok(Digest::Hourly);
        }
        let time = s.strip_prefix("daily@").ok_or_else(bad)?;
        let (h, m) = time.split_once(':').ok_or_else(bad)?;
        if h.len() != 2 || m.len() != 2 {
            return Err(bad());
        }
        let h: u16 = h.parse().map_err(|_| bad())?;
        let m: u16 = m.parse().map_err(|_| bad())?;
        if h > 23 || m > 59 {
            return Err(bad());
        }
        Ok(Digest::Daily { minute_of_day: h * 60 + m })
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Digest::Hourly => f.write_str("hourly"),
            Digest::Daily { minute_of_day } => write!(f, "daily@{:02}:{:02}", minute_of_day / 60, minute_of_day % 60),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_both_forms() {
        assert_eq!("hourly".parse::<Digest>().unwrap(), Digest::Hourly);
        let d: Digest = "daily@07:30".parse().unwrap();
        assert_eq!(d, Digest::Daily { minute_of_day: 450 });
        assert_eq!(d.to_string(), "daily@07:30");
        for bad in ["weekly", "daily@7:30", "daily@24:00", "daily@12:60", "daily@", "daily@ab:cd"] {
            let err = bad.parse::<Digest>().unwrap_err();
            assert!(err.to_string().contains("daily@HH:MM"), "{bad}: {err}");
        }
    }

    #[test]
    fn periods_cover_time_without_gaps() {
        // 2024-04-02T10:15:00Z
        let ts = 1_712_052_900;
        assert_eq!(Digest::Hourly.period_of(ts), (1_712_052_000, 1_712_055_600));
        let daily = Digest::Daily { minute_of_day: 7 * 60 + 30 };
        // 07:30 that day .. 07:30 the next day.
        assert_eq!(daily.period_of(ts), (1_712_043_000, 1_712_129_400));
        // Just before 07:30 belongs to the day before.
        assert_eq!(daily.period_of(1_712_043_000 - 1).1, 1_712_043_000);
        assert_eq!(daily.period_of(1_712_043_000).0, 1_712_043_000);
    }
}
