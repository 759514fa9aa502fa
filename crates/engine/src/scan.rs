//! A scanned SOP saved as a draft process: the owner and assignee matched to the
//! organization's people and roles where the SOP names them, a key made from its title.
//! Drafts never run; a person corrects the draft in the editor and activates it.

use crate::processes::valid_key;
use crate::{Actor, Engine, EngineError, ProcessChange};
use jiff::ToSpan;
use proofline_core::process::{Assignee, ProcessStatus};
use proofline_core::scan::Scan;
use proofline_core::scan::apply::{DraftFor, definition};

/// Keys tried before giving up: "closing-checklist", "closing-checklist-2", ….
const KEY_TRIES: u32 = 50;

impl Engine {
    pub async fn save_scan_as_draft(&self, actor: Actor, scan: &Scan) -> Result<ProcessChange, EngineError> {
        crate::processes::require_manager(actor)?;
        let org = self.store.get_org(actor.org).await?;
        let named = scan.draft.owner.as_ref().map(|o| o.text.to_lowercase());
        let people = self.store.list_people(actor.org).await?;
        let roles = self.store.list_roles(actor.org).await?;
        let matches = |name: &str, named: &str| {
            let name = name.to_lowercase();
            !name.is_empty() && (named.contains(&name) || name.contains(named))
        };
        let owner = named
            .as_deref()
            .and_then(|n| people.iter().find(|p| p.active && matches(&p.name, n)))
            .map_or(actor.person, |p| p.id);
        let assignee = named
            .as_deref()
            .and_then(|n| roles.iter().find(|r| matches(&r.name, n)))
            .map_or(Assignee::Person(owner), |r| Assignee::Role(r.id));
        let zone = jiff::tz::TimeZone::get(&org.zone).unwrap_or(jiff::tz::TimeZone::UTC);
        let today = self.now().to_zoned(zone).date();
        let target = DraftFor { owner, assignee, zone: org.zone.clone(), starts: today.saturating_add(1.day()) };
        let draft = definition(scan, &target);
        let base = key_from(&scan.draft.title);
        for n in 1..=KEY_TRIES {
            let key = if n == 1 { base.clone() } else { format!("{base}-{n}") };
            match self.create_process(actor, &key, ProcessStatus::Draft, draft.clone()).await {
                Err(EngineError::Conflict(_)) => continue,
                done => return done,
            }
        }
        Err(EngineError::Conflict(format!("processes with keys {base} to {base}-{KEY_TRIES} already exist")))
    }
}

/// "Closing Checklist (v2)" → "closing-checklist-v2"; "sop" when nothing is left.
fn key_from(title: &str) -> String {
    let mut key = String::new();
    for c in title.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            key.push(c);
        } else if !key.ends_with('-') && !key.is_empty() {
            key.push('-');
        }
        if key.len() >= 56 {
            break;
        }
    }
    let key = key.trim_end_matches('-').to_string();
    if valid_key(&key) { key } else { "sop".to_string() }
}

#[cfg(test)]
mod tests {
    use super::key_from;

    #[test]
    fn keys_come_from_titles() {
        assert_eq!(key_from("Closing Checklist (v2)"), "closing-checklist-v2");
        assert_eq!(key_from("Überprüfung — Kühlraum"), "berpr-fung-k-hlraum");
        assert_eq!(key_from("!!!"), "sop");
        assert!(key_from(&"long title ".repeat(20)).len() <= 56);
    }
}
