//! Cadence in plain English, as managers write it ("every weekday at 7am", "each Monday
//! and Thursday at 9:30", "monthly on the 1st", "first Monday of the quarter") read into
//! an RRULE. Deliberately small: a phrase it does not know is `None`, never a guess.

/// The RRULE (without the `RRULE:` prefix) a phrase means, if it is one this reader knows.
pub fn to_rrule(text: &str) -> Option<String> {
    let text = text.trim().trim_end_matches('.').to_lowercase().replace(',', " ").replace(" and ", " ");
    let (what, at) = match text.split_once(" at ") {
        Some((what, time)) => (what.trim().to_string(), Some(time_of_day(time.trim())?)),
        None => (text.trim().to_string(), None),
    };
    let words: Vec<&str> = what.split_whitespace().filter(|w| !matches!(*w, "every" | "each" | "on" | "the")).collect();
    let rule = match words.as_slice() {
        ["day"] | ["daily"] | ["days"] => "FREQ=DAILY".to_string(),
        ["weekday"] | ["weekdays"] | ["working", "day"] | ["workday"] => "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR".into(),
        ["weekend"] | ["weekends"] => "FREQ=WEEKLY;BYDAY=SA,SU".into(),
        ["week"] | ["weekly"] => "FREQ=WEEKLY".into(),
        ["hour"] | ["hourly"] if at.is_none() => return Some("FREQ=HOURLY".into()),
        [n, unit] if n.parse::<u32>().is_ok_and(|n| n >= 1) => {
            let n: u32 = n.parse().ok()?;
            let freq = match unit.trim_end_matches('s') {
                "day" => "DAILY",
                "week" => "WEEKLY",
                "hour" if at.is_none() => return Some(format!("FREQ=HOURLY;INTERVAL={n}")),
                "minute" if at.is_none() && n >= 5 => return Some(format!("FREQ=MINUTELY;INTERVAL={n}")),
                _ => return None,
            };
            format!("FREQ={freq};INTERVAL={n}")
        }
        ["monthly"] | ["month"] => "FREQ=MONTHLY".into(),
        ["monthly", day] | ["month", day] | [day, "of", "month"] | [day, "of", "every", "month"] => {
            format!("FREQ=MONTHLY;BYMONTHDAY={}", month_day(day)?)
        }
        ["last", "day", "of", "month"] | ["monthly", "last", "day"] | ["month", "last", "day"] => {
            "FREQ=MONTHLY;BYMONTHDAY=-1".into()
        }
        [nth, day, "of", period] => {
            let n = ordinal(nth)?;
            let day = weekday(day)?;
            match *period {
                "month" => format!("FREQ=MONTHLY;BYDAY={n}{day}"),
                "quarter" => format!("FREQ=MONTHLY;BYMONTH=1,4,7,10;BYDAY={n}{day}"),
                "year" => format!("FREQ=YEARLY;BYMONTH=1;BYDAY={n}{day}"),
                _ => return None,
            }
        }
        days if !days.is_empty() && days.iter().all(|d| weekday(d).is_some()) => {
            let days: Vec<&str> = days.iter().filter_map(|d| weekday(d)).collect();
            format!("FREQ=WEEKLY;BYDAY={}", days.join(","))
        }
        _ => return None,
    };
    let (hour, minute) = at.unwrap_or((0, 0));
    Some(format!("{rule};BYHOUR={hour};BYMINUTE={minute}"))
}

fn weekday(word: &str) -> Option<&'static str> {
    let word = word.trim_end_matches('s');
    Some(match word {
        "monday" | "mon" => "MO",
        "tuesday" | "tue" | "tues" => "TU",
        "wednesday" | "wed" => "WE",
        "thursday" | "thu" | "thur" | "thurs" => "TH",
        "friday" | "fri" => "FR",
        "saturday" | "sat" => "SA",
        "sunday" | "sun" => "SU",
        _ => return None,
    })
}

fn ordinal(word: &str) -> Option<&'static str> {
    Some(match word {
        "first" | "1st" => "1",
        "second" | "2nd" => "2",
        "third" | "3rd" => "3",
        "fourth" | "4th" => "4",
        "last" => "-1",
        _ => return None,
    })
}

/// "1st", "15th", "1" → the day of the month (1–31); "last" → -1.
fn month_day(word: &str) -> Option<i32> {
    if word == "last" {
        return Some(-1);
    }
    let digits = word.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    digits.parse::<i32>().ok().filter(|d| (1..=31).contains(d))
}

/// "7", "7am", "7 am", "7:30", "7:30pm", "19:00", "noon", "midnight" → (hour, minute).
fn time_of_day(text: &str) -> Option<(u8, u8)> {
    let text = text.replace(' ', "");
    match text.as_str() {
        "noon" | "midday" => return Some((12, 0)),
        "midnight" => return Some((0, 0)),
        _ => {}
    }
    let (clock, meridiem) = if let Some(t) = text.strip_suffix("am") {
        (t, Some(false))
    } else if let Some(t) = text.strip_suffix("pm") {
        (t, Some(true))
    } else {
        (text.as_str(), None)
    };
    let (hour, minute) = match clock.split_once([':', 'h', '.']) {
        Some((h, m)) => (h.parse::<u8>().ok()?, if m.is_empty() { 0 } else { m.parse::<u8>().ok()? }),
        None => (clock.parse::<u8>().ok()?, 0),
    };
    let hour = match meridiem {
        Some(_) if !(1..=12).contains(&hour) => return None,
        Some(pm) => hour % 12 + if pm { 12 } else { 0 },
        None => hour,
    };
    (hour < 24 && minute < 60).then_some((hour, minute))
}

#[cfg(test)]
mod tests {
    use super::to_rrule;

    #[test]
    fn common_phrases_read_as_rules() {
        for (phrase, rule) in [
            ("every day at 7am", "FREQ=DAILY;BYHOUR=7;BYMINUTE=0"),
            ("Daily at 19:30", "FREQ=DAILY;BYHOUR=19;BYMINUTE=30"),
            ("every weekday at 7:00", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=7;BYMINUTE=0"),
            ("each Monday at 9", "FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0"),
            ("every Monday and Thursday at 6.30pm", "FREQ=WEEKLY;BYDAY=MO,TH;BYHOUR=18;BYMINUTE=30"),
            ("Tuesdays, Fridays at noon", "FREQ=WEEKLY;BYDAY=TU,FR;BYHOUR=12;BYMINUTE=0"),
            ("every weekend at 10am", "FREQ=WEEKLY;BYDAY=SA,SU;BYHOUR=10;BYMINUTE=0"),
            ("monthly on the 1st", "FREQ=MONTHLY;BYMONTHDAY=1;BYHOUR=0;BYMINUTE=0"),
            ("the 15th of every month at 8am", "FREQ=MONTHLY;BYMONTHDAY=15;BYHOUR=8;BYMINUTE=0"),
            ("last day of the month at 17:00", "FREQ=MONTHLY;BYMONTHDAY=-1;BYHOUR=17;BYMINUTE=0"),
            ("first Monday of the month at 9am", "FREQ=MONTHLY;BYDAY=1MO;BYHOUR=9;BYMINUTE=0"),
            ("first Monday of the quarter", "FREQ=MONTHLY;BYMONTH=1,4,7,10;BYDAY=1MO;BYHOUR=0;BYMINUTE=0"),
            ("every 2 weeks at 8am", "FREQ=WEEKLY;INTERVAL=2;BYHOUR=8;BYMINUTE=0"),
            ("every hour", "FREQ=HOURLY"),
            ("every 4 hours", "FREQ=HOURLY;INTERVAL=4"),
            ("every 15 minutes", "FREQ=MINUTELY;INTERVAL=15"),
            ("every day at midnight", "FREQ=DAILY;BYHOUR=0;BYMINUTE=0"),
            ("every day at 12am", "FREQ=DAILY;BYHOUR=0;BYMINUTE=0"),
            ("every day at 12pm", "FREQ=DAILY;BYHOUR=12;BYMINUTE=0"),
        ] {
            assert_eq!(to_rrule(phrase).as_deref(), Some(rule), "{phrase}");
        }
    }

    #[test]
    fn unknown_phrases_are_not_guessed() {
        for phrase in [
            "as needed",
            "after each delivery",
            "every day at 25:00",
            "every day at 13pm",
            "every 0 days",
            "every 2 minutes",
            "the 32nd of every month",
            "every blue moon",
            "",
        ] {
            assert_eq!(to_rrule(phrase), None, "{phrase}");
        }
    }
}
