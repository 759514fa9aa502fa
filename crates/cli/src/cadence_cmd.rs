//! `proofline cadence`: preview a rule's next occurrences from the shell.

use crate::user_error;
use jiff::Timestamp;
use proofline_core::Schedule;
use serde_json::json;

#[derive(clap::Args)]
pub struct CadenceArgs {
    /// iCalendar text (DTSTART and RRULE lines; `\n` or spaces between them) or, with
    /// --tz, a five-field cron expression.
    pub rule: String,
    /// How many occurrences to print.
    #[arg(long, default_value_t = 10)]
    pub count: usize,
    /// Print one JSON array of {"local", "utc"}.
    #[arg(long)]
    pub json: bool,
    /// Zone for cron expressions and for rules whose DTSTART has no zone.
    #[arg(long)]
    pub tz: Option<String>,
    /// List occurrences after this instant (RFC 3339) instead of from the start.
    #[arg(long)]
    pub after: Option<String>,
}

pub fn run(args: CadenceArgs) -> anyhow::Result<()> {
    if args.count == 0 || args.count > 10_000 {
        return Err(user_error("--count must be between 1 and 10000"));
    }
    let looks_like_ical = args.rule.to_ascii_uppercase().contains("RRULE");
    let schedule = if looks_like_ical {
        Schedule::parse(&args.rule, args.tz.as_deref())
    } else {
        let zone = args
            .tz
            .as_deref()
            .ok_or_else(|| user_error("a cron expression needs --tz ZONE (e.g. --tz Europe/Berlin)"))?;
        Schedule::from_cron(&args.rule, zone)
    }
    .map_err(|e| user_error(e.to_string()))?;
    // A cron expression has no start of its own, so it is previewed from now.
    let after = match &args.after {
        Some(after) => Some(after.parse::<Timestamp>().map_err(|e| user_error(format!("--after {after:?}: {e}")))?),
        None if schedule.cron().is_some() => Some(Timestamp::now()),
        None => None,
    };
    let occurrences: Vec<_> = match after {
        Some(after) => schedule.upcoming(after, args.count),
        None => schedule.occurrences().take(args.count).collect(),
    };
    if args.json {
        let items: Vec<_> = occurrences
            .iter()
            .map(|o| json!({"local": o.at.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string(), "utc": o.timestamp().to_string()}))
            .collect();
        println!("{}", serde_json::to_string_pretty(&items)?);
    } else {
        if let Some(cron) = schedule.cron() {
            println!("cron {cron:?} is {}", schedule.to_ical().replace('\n', " "));
        }
        for o in &occurrences {
            println!("{}  {}  {}", o.at.strftime("%a %Y-%m-%d %H:%M:%S %:z"), schedule.zone_name(), o.timestamp());
        }
        if occurrences.is_empty() {
            println!("(no occurrences)");
        }
    }
    Ok(())
}
