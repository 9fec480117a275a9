//! Dates with the precision the source has. The list of 2025 says only
//! "2025年7月", so `published` and `updated` accept a month (`"2025-07"`, a
//! string, because TOML dates always have a day) as well as a day
//! (`2025-07-01` as a TOML date, or `"2025-07-01"`).

use std::fmt;

use serde::{Deserialize, Serialize, Serializer};

/// A calendar month, or a day in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: Option<u8>,
}

impl Date {
    /// `2025-07` or `2025-07-01`: W3C datetime, for `<time datetime>`,
    /// `PubDate` and the sitemap's `lastmod`.
    pub fn iso(&self) -> String {
        match self.day {
            Some(d) => format!("{:04}-{:02}-{d:02}", self.year, self.month),
            None => format!("{:04}-{:02}", self.year, self.month),
        }
    }

    /// `2025年7月` or `2025年7月1日`: what a page shows.
    pub fn chinese(&self) -> String {
        match self.day {
            Some(d) => format!("{}年{}月{d}日", self.year, self.month),
            None => format!("{}年{}月", self.year, self.month),
        }
    }

    /// Reads `YYYY-MM` or `YYYY-MM-DD`.
    pub fn parse(s: &str) -> Result<Date, String> {
        let bad = || format!("“{s}”不是日期：写成 \"2025-07\"（年月）或 2025-07-01（年月日）");
        let parts: Vec<&str> = s.trim().split('-').collect();
        let num = |p: &str, len: usize| -> Option<u32> {
            (p.len() == len && p.bytes().all(|b| b.is_ascii_digit()))
                .then(|| p.parse().ok())
                .flatten()
        };
        let (year, month, day) = match parts.as_slice() {
            [y, m] => (num(y, 4), num(m, 2), None),
            [y, m, d] => (num(y, 4), num(m, 2), Some(num(d, 2).ok_or_else(bad)?)),
            _ => return Err(bad()),
        };
        let (Some(year), Some(month)) = (year, month) else {
            return Err(bad());
        };
        Date::new(year, month, day).ok_or_else(bad)
    }

    fn new(year: u32, month: u32, day: Option<u32>) -> Option<Date> {
        if !(1..=12).contains(&month) || !(1000..=9999).contains(&year) {
            return None;
        }
        let leap =
            (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
        let days = match month {
            2 if leap => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        if day.is_some_and(|d| d == 0 || d > days) {
            return None;
        }
        Some(Date {
            year: u16::try_from(year).ok()?,
            month: u8::try_from(month).ok()?,
            day: day.and_then(|d| u8::try_from(d).ok()),
        })
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.iso())
    }
}

/// As written in TOML: a date, or a string.
#[derive(Deserialize)]
#[serde(untagged)]
enum Raw {
    Toml(toml::value::Datetime),
    Text(String),
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let err = serde::de::Error::custom;
        match Raw::deserialize(d).map_err(|_| {
            err("应为日期：写成 \"2025-07\"（年月）或 2025-07-01（年月日）".to_string())
        })? {
            Raw::Text(s) => Date::parse(&s).map_err(err),
            Raw::Toml(dt) => match (dt.date, dt.time, dt.offset) {
                (Some(d), None, None) => Date::new(
                    u32::from(d.year),
                    u32::from(d.month),
                    Some(u32::from(d.day)),
                )
                .ok_or_else(|| err(format!("“{dt}”不是有效日期"))),
                _ => Err(err(format!(
                    "“{dt}”带有时刻：只写日期，如 2025-07-01，或年月 \"2025-07\""
                ))),
            },
        }
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.iso())
    }
}

/// `2025-07` → `2025年7月`, `2025-07-01` → `2025年7月1日`; anything else as it is.
pub fn chinese(iso: &str) -> String {
    Date::parse(iso).map_or_else(|_| iso.to_string(), |d| d.chinese())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct T {
        d: Date,
    }

    fn read(toml_text: &str) -> Result<Date, String> {
        toml::from_str::<T>(toml_text)
            .map(|t| t.d)
            .map_err(|e| e.message().to_string())
    }

    #[test]
    fn a_month_or_a_day() {
        let m = read("d = \"2025-07\"").unwrap();
        assert_eq!(
            (m.iso(), m.chinese()),
            ("2025-07".into(), "2025年7月".into())
        );
        let d = read("d = 2025-07-01").unwrap();
        assert_eq!(
            (d.iso(), d.chinese()),
            ("2025-07-01".into(), "2025年7月1日".into())
        );
        assert_eq!(read("d = \"2025-08-15\"").unwrap().iso(), "2025-08-15");
        assert!(m < d, "a month sorts before its days");
    }

    #[test]
    fn not_a_date_is_an_error_that_says_how_to_write_one() {
        for bad in [
            "d = \"2025-7\"",
            "d = \"2025年7月\"",
            "d = \"2025-13\"",
            "d = \"2025-02-30\"",
            "d = 2025-07-01T08:00:00",
            "d = 12:00:00",
            "d = 2025",
        ] {
            let e = read(bad).unwrap_err();
            assert!(e.contains("2025-07"), "{bad}: {e}");
        }
    }

    #[test]
    fn shown_in_chinese() {
        assert_eq!(chinese("2025-07"), "2025年7月");
        assert_eq!(chinese("2025-08-15"), "2025年8月15日");
        assert_eq!(chinese("x"), "x");
    }
}
