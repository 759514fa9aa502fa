//! Proof requirements written one per line in the process editor, in words a manager can
//! type on a phone: `photo`, `2 photos`, `number: Fridge (°C) 0..5`, `checklist: Lights
//! off; Door locked`, `note`, `signature`, `link`, `file: pdf, jpg`. A line may end with a
//! label after a colon where the kind has no other use for it. An approval names who
//! gives it, by role or person name: `approval: Shift lead within 4h`, `approval: manager`.

use proofline_core::escalation::Target;
use proofline_core::proof::{ProofRequirement, ProofRule};
use proofline_core::span::Span;
use proofline_core::{PersonId, RoleId};

/// The organization's names, so approval lines can say who approves.
#[derive(Debug, Clone, Default)]
pub struct Directory {
    pub people: Vec<(i64, String)>,
    pub roles: Vec<(i64, String)>,
}

impl Directory {
    fn name_of(&self, target: Target) -> String {
        let find = |list: &[(i64, String)], id: i64| list.iter().find(|(i, _)| *i == id).map(|(_, n)| n.clone());
        match target {
            Target::Manager => "manager".into(),
            Target::Owner => "owner".into(),
            Target::Role(r) => find(&self.roles, r.0).unwrap_or_else(|| format!("role {r}")),
            Target::Person(p) => find(&self.people, p.0).unwrap_or_else(|| format!("person {p}")),
        }
    }

    fn target(&self, name: &str) -> Option<Target> {
        let named =
            |list: &[(i64, String)]| list.iter().find(|(_, n)| n.trim().eq_ignore_ascii_case(name)).map(|(i, _)| *i);
        match name.to_lowercase().as_str() {
            "manager" | "the manager" | "their manager" => Some(Target::Manager),
            "owner" | "the owner" | "process owner" | "the process owner" => Some(Target::Owner),
            _ => named(&self.roles)
                .map(|r| Target::Role(RoleId(r)))
                .or_else(|| named(&self.people).map(|p| Target::Person(PersonId(p)))),
        }
    }
}

/// The editor's line for a requirement; parsing it gives the requirement back.
pub fn to_line(requirement: &ProofRequirement, directory: &Directory) -> String {
    let label = requirement.label.as_deref().map(str::trim).filter(|l| !l.is_empty());
    let with_label = |kind: &str| label.map_or_else(|| kind.to_string(), |l| format!("{kind}: {l}"));
    match &requirement.rule {
        ProofRule::Photo { min: 1, .. } => with_label("photo"),
        ProofRule::Photo { min, .. } => with_label(&format!("{min} photos")),
        ProofRule::File { types } if types.is_empty() => with_label("file"),
        ProofRule::File { types } => format!("file: {}", types.join(", ")),
        ProofRule::Number { unit, min, max } => {
            let mut line = "number".to_string();
            if label.is_some() || unit.is_some() {
                line.push(':');
            }
            if let Some(label) = label {
                line.push_str(&format!(" {label}"));
            }
            if let Some(unit) = unit {
                line.push_str(&format!(" ({unit})"));
            }
            if min.is_some() || max.is_some() {
                let end = |v: &Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
                line.push_str(&format!(" {}..{}", end(min), end(max)));
            }
            line
        }
        ProofRule::Text { min_length: 1 } => with_label("note"),
        ProofRule::Text { min_length } => with_label(&format!("note of {min_length}")),
        ProofRule::Checklist { items } => format!("checklist: {}", items.join("; ")),
        ProofRule::Signature { attestation: Some(text) } => format!("signature: {text}"),
        ProofRule::Signature { attestation: None } => "signature".to_string(),
        ProofRule::Link => with_label("link"),
        ProofRule::Approval { by, window } => {
            let within = window.map(|w| format!(" within {w}")).unwrap_or_default();
            format!("approval: {}{within}", directory.name_of(*by))
        }
    }
}

/// A requirement from one editor line, or what is wrong with the line.
pub fn parse_line(line: &str, directory: &Directory) -> Result<ProofRequirement, String> {
    let line = line.trim();
    let (head, rest) = match line.split_once(':') {
        Some((head, rest)) => (head.trim().to_lowercase(), Some(rest.trim()).filter(|r| !r.is_empty())),
        None => (line.to_lowercase(), None),
    };
    let words: Vec<&str> = head.split_whitespace().collect();
    let label = rest.map(str::to_string);
    let plain = |rule: ProofRule| Ok(ProofRequirement { key: String::new(), label: label.clone(), rule });
    match words.as_slice() {
        ["photo"] => plain(ProofRule::Photo { min: 1, max_age: None }),
        [n, "photos"] => match n.parse::<u32>() {
            Ok(min @ 1..=20) => plain(ProofRule::Photo { min, max_age: None }),
            _ => Err(format!("{line:?}: say how many photos, from 1 to 20 (e.g. \"2 photos\")")),
        },
        ["file"] => {
            let types = rest.map(|r| r.split(',').map(|t| t.trim().to_string()).filter(|t| !t.is_empty()).collect());
            Ok(ProofRequirement {
                key: String::new(),
                label: None,
                rule: ProofRule::File { types: types.unwrap_or_default() },
            })
        }
        ["number"] => number(rest.unwrap_or_default()).map_err(|e| format!("{line:?}: {e}")),
        ["note"] => plain(ProofRule::Text { min_length: 1 }),
        ["note", "of", n] => match n.parse::<u32>() {
            Ok(min_length @ 1..=10_000) => plain(ProofRule::Text { min_length }),
            _ => Err(format!("{line:?}: a note's least length is a number of characters")),
        },
        ["checklist"] => {
            let items: Vec<String> =
                rest.unwrap_or_default().split(';').map(|i| i.trim().to_string()).filter(|i| !i.is_empty()).collect();
            if items.is_empty() {
                return Err(format!("{line:?}: list the items after a colon, separated by ';'"));
            }
            Ok(ProofRequirement { key: String::new(), label: None, rule: ProofRule::Checklist { items } })
        }
        ["signature"] => {
            let rule = ProofRule::Signature { attestation: label.clone() };
            Ok(ProofRequirement { key: String::new(), label: None, rule })
        }
        ["link"] => plain(ProofRule::Link),
        ["approval"] => approval(rest.unwrap_or_default(), directory).map_err(|e| format!("{line:?}: {e}")),
        _ => Err(format!(
            "{line:?} is not a kind of proof: use photo, N photos, number, note, checklist, signature, file, link or approval"
        )),
    }
}

/// `Shift lead within 4h`: who approves (a role, a person, `manager` or `owner`) and,
/// optionally, how long they have.
fn approval(text: &str, directory: &Directory) -> Result<ProofRequirement, String> {
    let (who, window) = match text.rsplit_once(" within ") {
        Some((who, span)) => {
            let span = Span::parse(span).map_err(|e| e.to_string())?;
            (who.trim(), Some(span))
        }
        None => (text.trim(), None),
    };
    if who.is_empty() {
        return Err("say who approves: a role, a person, manager or owner (e.g. \"approval: Shift lead\")".into());
    }
    let by = directory.target(who).ok_or_else(|| format!("no role or person is called {who:?}"))?;
    Ok(ProofRequirement { key: String::new(), label: None, rule: ProofRule::Approval { by, window } })
}

/// `Fridge (°C) 0..5`: a label, a unit in brackets, a range with either end open.
fn number(text: &str) -> Result<ProofRequirement, String> {
    let mut text = text.trim().to_string();
    let (mut min, mut max) = (None, None);
    if let Some((before, range)) = text
        .rsplit_once(' ')
        .map(|(b, r)| (b.to_string(), r.to_string()))
        .or_else(|| text.contains("..").then(|| (String::new(), text.clone())))
        && let Some((lo, hi)) = range.split_once("..")
    {
        let end = |v: &str| -> Result<Option<f64>, String> {
            let v = v.trim().replace(',', ".");
            if v.is_empty() {
                return Ok(None);
            }
            v.parse::<f64>().ok().filter(|n| n.is_finite()).map(Some).ok_or_else(|| format!("{v:?} is not a number"))
        };
        min = end(lo)?;
        max = end(hi)?;
        text = before;
    }
    let mut unit = None;
    if let (Some(open), true) = (text.rfind('('), text.ends_with(')')) {
        unit = Some(text[open + 1..text.len() - 1].trim().to_string()).filter(|u| !u.is_empty());
        text = text[..open].trim().to_string();
    }
    let label = Some(text.trim().to_string()).filter(|l| !l.is_empty());
    Ok(ProofRequirement { key: String::new(), label, rule: ProofRule::Number { unit, min, max } })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn directory() -> Directory {
        Directory { people: vec![(7, "Ben Ode".into())], roles: vec![(3, "Shift lead".into())] }
    }

    #[test]
    fn an_approval_names_a_role_a_person_or_the_manager() {
        let rule = |line: &str| parse_line(line, &directory()).map(|r| r.rule);
        assert_eq!(rule("approval: shift LEAD"), Ok(ProofRule::Approval { by: Target::Role(RoleId(3)), window: None }));
        assert_eq!(
            rule("Approval: Ben Ode within 2h"),
            Ok(ProofRule::Approval { by: Target::Person(PersonId(7)), window: Some(Span::from_secs(7200)) })
        );
        assert!(rule("approval: Nobody").unwrap_err().contains("no role or person"));
        assert!(rule("approval").unwrap_err().contains("say who approves"));
        assert!(rule("approval: owner within soon").unwrap_err().contains("not a duration"));
    }

    #[test]
    fn every_kind_survives_a_round_trip_through_its_line() {
        for line in [
            "photo",
            "photo: Back door locked",
            "3 photos",
            "file",
            "file: pdf, jpg",
            "number",
            "number: Fridge (°C) 0..5",
            "number: Weight (kg) ..25",
            "number: Pressure 1.5..",
            "note",
            "note of 20",
            "checklist: Lights off; Door locked",
            "signature",
            "signature: I checked every exit",
            "link: Ticket",
            "approval: Shift lead",
            "approval: manager within 4h",
            "approval: Ben Ode within 1d",
        ] {
            let requirement = parse_line(line, &directory()).unwrap_or_else(|e| panic!("{line}: {e}"));
            assert_eq!(to_line(&requirement, &directory()), line);
        }
    }

    #[test]
    fn a_number_line_reads_label_unit_and_range() {
        let r = parse_line("Number: Fridge temperature (°C) 0..5", &directory()).unwrap();
        assert_eq!(r.label.as_deref(), Some("Fridge temperature"));
        assert_eq!(r.rule, ProofRule::Number { unit: Some("°C".into()), min: Some(0.0), max: Some(5.0) });
        let r = parse_line("number: 2,5..7,5", &directory()).unwrap();
        assert_eq!(r.rule, ProofRule::Number { unit: None, min: Some(2.5), max: Some(7.5) });
    }

    #[test]
    fn mistakes_are_named() {
        assert!(parse_line("selfie", &directory()).unwrap_err().contains("not a kind of proof"));
        assert!(parse_line("checklist", &directory()).unwrap_err().contains("list the items"));
        assert!(parse_line("number: x..y", &directory()).unwrap_err().contains("not a number"));
        assert!(parse_line("0 photos", &directory()).unwrap_err().contains("how many photos"));
    }
}
