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
        let named = scan.draft.owner.as_ref().map(|o| o.text.as_str()).unwrap_or_default();
        let people = self.store.list_people(actor.org).await?;
        let roles = self.store.list_roles(actor.org).await?;
        let owner = only_match(people.iter().filter(|p| p.active).map(|p| (p.id, p.name.as_str())), named)
            .unwrap_or(actor.person);
        let assignee = only_match(roles.iter().map(|r| (r.id, r.name.as_str())), named)
            .map_or(Assignee::Person(owner), Assignee::Role);
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

/// The one candidate whose whole name appears, word for word, among the words the SOP
/// names its owner with ("Olga" in "Olga, shift lead"; not "Dan" in "Attendance
/// coordinator"); none when no name or several do.
fn only_match<'a, I: Copy>(candidates: impl Iterator<Item = (I, &'a str)>, named: &str) -> Option<I> {
    let said = words(named);
    let mut found = candidates.filter(|(_, name)| {
        let name = words(name);
        !name.is_empty() && said.windows(name.len()).any(|w| w == name.as_slice())
    });
    let first = found.next()?;
    found.next().is_none().then_some(first.0)
}

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect()
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
    use super::{key_from, only_match};

    #[test]
    fn keys_come_from_titles() {
        assert_eq!(key_from("Closing Checklist (v2)"), "closing-checklist-v2");
        assert_eq!(key_from("Überprüfung — Kühlraum"), "berpr-fung-k-hlraum");
        assert_eq!(key_from("!!!"), "sop");
        assert!(key_from(&"long title ".repeat(20)).len() <= 56);
    }

    #[test]
    fn owners_are_matched_by_whole_names_only() {
        let people = [(1, "Dan"), (2, "Olga Berg"), (3, "Al")];
        let named = |text: &str| only_match(people.iter().copied(), text);
        assert_eq!(named("Attendance coordinator"), None, "not Dan inside attendance");
        assert_eq!(named("Olga Berg, shift lead"), Some(2));
        assert_eq!(named("olga berg"), Some(2));
        assert_eq!(named("Olga"), None, "a first name alone is not the person named Olga Berg");
        assert_eq!(named("Dan and Al"), None, "two people: nobody in particular");
        assert_eq!(named(""), None);
    }
}
