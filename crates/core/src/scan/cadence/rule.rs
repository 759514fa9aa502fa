//! An RRULE body being read: parts filled in as the words are understood, written out in
//! the one order `GuessedCadence::Schedule` promises.

#[derive(Default)]
pub(super) struct Rule {
    pub(super) freq: &'static str,
    pub(super) interval: u32,
    pub(super) months: Vec<u8>,
    pub(super) month_day: Option<i32>,
    pub(super) days: Vec<String>,
    pub(super) set_pos: Option<i32>,
    pub(super) times: Vec<(u8, u8)>,
}

impl Rule {
    pub(super) fn every(freq: &'static str, interval: u32) -> Rule {
        Rule { freq, interval, ..Rule::default() }
    }

    pub(super) fn on(freq: &'static str, interval: u32, days: Vec<String>) -> Rule {
        Rule { days, ..Rule::every(freq, interval) }
    }

    pub(super) fn text(&self) -> String {
        let join = |items: Vec<String>| (!items.is_empty()).then(|| items.join(","));
        let strings = |items: &[u8]| items.iter().map(u8::to_string).collect::<Vec<_>>();
        // BYHOUR and BYMINUTE multiply out (8:00 and 16:30 would also fire at 8:30 and 16:00),
        // so times that differ in their minutes are left for the person to set.
        let minute = self.times.first().map(|t| t.1).filter(|&m| self.times.iter().all(|t| t.1 == m));
        let mut hours: Vec<u8> = self.times.iter().map(|t| t.0).filter(|_| minute.is_some()).collect();
        hours.sort_unstable();
        hours.dedup();
        let parts = [
            ("FREQ", Some(self.freq.to_string())),
            ("INTERVAL", (self.interval > 1).then(|| self.interval.to_string())),
            ("BYMONTH", join(strings(&self.months))),
            ("BYMONTHDAY", self.month_day.map(|d| d.to_string())),
            ("BYDAY", join(self.days.clone())),
            ("BYSETPOS", self.set_pos.map(|p| p.to_string())),
            ("BYHOUR", join(strings(&hours))),
            ("BYMINUTE", minute.map(|m| m.to_string())),
        ];
        parts.iter().filter_map(|(k, v)| Some(format!("{k}={}", v.as_ref()?))).collect::<Vec<_>>().join(";")
    }
}
