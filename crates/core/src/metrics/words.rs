//! Figures as people read them in a digest line or a table cell.

/// "35 min", "1 h 20 min", "2 d 3 h": a lead time at a glance.
pub fn duration_words(secs: i64) -> String {
    let minutes = secs.max(0) / 60;
    let (days, hours, mins) = (minutes / 1440, minutes / 60 % 24, minutes % 60);
    match (days, hours) {
        (0, 0) => format!("{mins} min"),
        (0, _) => format!("{hours} h {mins} min"),
        _ => format!("{days} d {hours} h"),
    }
}

/// "92%", or "–" when nothing was due.
pub fn rate_words(rate: Option<f64>) -> String {
    rate.filter(|r| r.is_finite()).map(|r| format!("{:.0}%", r * 100.0)).unwrap_or_else(|| "–".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_read_at_a_glance() {
        assert_eq!(duration_words(35 * 60), "35 min");
        assert_eq!(duration_words(80 * 60), "1 h 20 min");
        assert_eq!(duration_words((2 * 1440 + 180) * 60), "2 d 3 h");
        assert_eq!(duration_words(-5), "0 min");
        assert_eq!(rate_words(Some(0.916)), "92%");
        assert_eq!(rate_words(None), "–");
    }
}
