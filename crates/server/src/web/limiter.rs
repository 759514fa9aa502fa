//! Slows password guessing: after too many failed sign-ins within a window, further
//! attempts are refused until the window passes. Failures count per email and client
//! address together (so a stranger guessing cannot lock a person out of their own
//! phone), per email at a much higher bar (guessing spread over many addresses), and per
//! address (one client trying many emails). Counted in memory per instance; the
//! engine's clock makes it testable.

use jiff::{SignedDuration, Timestamp};
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

/// Failed attempts allowed for one email from one address within [`WINDOW`].
pub const PER_EMAIL_AND_ADDRESS: usize = 5;
/// Failed attempts allowed for one email from anywhere within [`WINDOW`].
pub const PER_EMAIL: usize = 50;
/// Failed attempts allowed per client address within [`WINDOW`] (an office shares one).
pub const PER_ADDRESS: usize = 50;
pub const WINDOW: SignedDuration = SignedDuration::from_mins(15);
/// Keys remembered at most, so a flood of made-up emails cannot exhaust memory.
const MAX_KEYS: usize = 100_000;

#[derive(Debug, Default)]
pub struct LoginLimiter {
    failures: Mutex<HashMap<String, VecDeque<Timestamp>>>,
}

impl LoginLimiter {
    /// How long until another attempt is allowed, if one is not allowed now.
    pub fn wait(&self, email: &str, address: &str, now: Timestamp) -> Option<SignedDuration> {
        let failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let check = |key: String, limit: usize| {
            let recent: Vec<&Timestamp> =
                failures.get(&key)?.iter().filter(|at| now.duration_since(**at) < WINDOW).collect();
            (recent.len() >= limit).then(|| WINDOW - now.duration_since(*recent[recent.len() - limit]))
        };
        [
            check(pair_key(email, address), PER_EMAIL_AND_ADDRESS),
            check(email_key(email), PER_EMAIL),
            check(address_key(address), PER_ADDRESS),
        ]
        .into_iter()
        .flatten()
        .max()
    }

    pub fn failed(&self, email: &str, address: &str, now: Timestamp) {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        if failures.len() >= MAX_KEYS {
            failures.retain(|_, times| times.back().is_some_and(|at| now.duration_since(*at) < WINDOW));
        }
        let keys = [
            (pair_key(email, address), PER_EMAIL_AND_ADDRESS),
            (email_key(email), PER_EMAIL),
            (address_key(address), PER_ADDRESS),
        ];
        for (key, limit) in keys {
            if failures.len() >= MAX_KEYS && !failures.contains_key(&key) {
                continue;
            }
            let times = failures.entry(key).or_default();
            times.push_back(now);
            while times.len() > limit {
                times.pop_front();
            }
        }
    }

    /// A successful sign-in forgets that email's failures from that address.
    pub fn succeeded(&self, email: &str, address: &str) {
        self.failures.lock().unwrap_or_else(|e| e.into_inner()).remove(&pair_key(email, address));
    }
}

fn email_key(email: &str) -> String {
    format!("email:{}", email.trim().to_lowercase())
}

fn pair_key(email: &str, address: &str) -> String {
    format!("pair:{address}:{}", email.trim().to_lowercase())
}

fn address_key(address: &str) -> String {
    format!("addr:{address}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guessing_one_email_is_slowed_then_allowed_again() {
        let limiter = LoginLimiter::default();
        let start: Timestamp = "2026-11-30T08:00:00Z".parse().unwrap();
        for i in 0..PER_EMAIL_AND_ADDRESS as i64 {
            assert_eq!(limiter.wait("Ben@Cafe.test", "10.0.0.1", start), None, "attempt {i} is allowed");
            limiter.failed("ben@cafe.test", "10.0.0.1", start + SignedDuration::from_secs(i));
        }
        let later = start + SignedDuration::from_mins(1);
        let wait = limiter.wait("BEN@cafe.test", "10.0.0.1", later).expect("the guesser is slowed");
        assert_eq!(wait, SignedDuration::from_mins(14));
        assert_eq!(limiter.wait("ben@cafe.test", "10.0.0.9", later), None, "Ben on his own phone is not locked out");
        assert_eq!(limiter.wait("cara@cafe.test", "10.0.0.1", later), None, "other people are not locked out");
        assert_eq!(limiter.wait("ben@cafe.test", "10.0.0.1", start + WINDOW + SignedDuration::from_secs(5)), None);
    }

    #[test]
    fn guessing_one_email_from_many_addresses_is_slowed() {
        let limiter = LoginLimiter::default();
        let now: Timestamp = "2026-11-30T08:00:00Z".parse().unwrap();
        for i in 0..PER_EMAIL {
            limiter.failed("ben@cafe.test", &format!("10.1.{}.{}", i / 200, i % 200), now);
        }
        assert!(limiter.wait("ben@cafe.test", "10.9.9.9", now).is_some());
    }

    #[test]
    fn one_address_trying_many_emails_is_slowed() {
        let limiter = LoginLimiter::default();
        let now: Timestamp = "2026-11-30T08:00:00Z".parse().unwrap();
        for i in 0..PER_ADDRESS {
            limiter.failed(&format!("p{i}@cafe.test"), "10.0.0.2", now);
        }
        assert!(limiter.wait("new@cafe.test", "10.0.0.2", now).is_some());
        assert!(limiter.wait("new@cafe.test", "10.0.0.3", now).is_none());
    }

    #[test]
    fn success_clears_the_email() {
        let limiter = LoginLimiter::default();
        let now: Timestamp = "2026-11-30T08:00:00Z".parse().unwrap();
        for _ in 0..PER_EMAIL_AND_ADDRESS {
            limiter.failed("ben@cafe.test", "10.0.0.1", now);
        }
        limiter.succeeded("ben@cafe.test", "10.0.0.1");
        assert_eq!(limiter.wait("ben@cafe.test", "10.0.0.1", now), None);
    }
}
