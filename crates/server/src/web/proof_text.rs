//! Proof requirements written one per line in the process editor, in words a manager can
//! type on a phone: `photo`, `2 photos`, `number: Fridge (°C) 0..5`, `checklist: Lights
//! off; Door locked`, `note`, `signature`, `link`, `file: pdf, jpg`. A line may end with a
//! label after a colon where the kind has no other use for it.

use proofline_core::proof::{ProofRequirement, ProofRule};

/// The editor's line for a requirement; parsing it gives the requirement back.
pub fn to_line(requirement: &ProofRequirement) -> String {
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
    }
}

/// A requirement from one editor line, or what is wrong with the line.
pub fn parse_line(line: &str) -> Result<ProofRequirement, String> {
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
        _ => Err(format!(
            "{line:?} is not a kind of proof: use photo, N photos, number, note, checklist, signature, file or link"
        )),
    }
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
        ] {
            let requirement = parse_line(line).unwrap_or_else(|e| panic!("{line}: {e}"));
            assert_eq!(to_line(&requirement), line);
        }
    }

    #[test]
    fn a_number_line_reads_label_unit_and_range() {
        let r = parse_line("Number: Fridge temperature (°C) 0..5").unwrap();
        assert_eq!(r.label.as_deref(), Some("Fridge temperature"));
        assert_eq!(r.rule, ProofRule::Number { unit: Some("°C".into()), min: Some(0.0), max: Some(5.0) });
        let r = parse_line("number: 2,5..7,5").unwrap();
        assert_eq!(r.rule, ProofRule::Number { unit: None, min: Some(2.5), max: Some(7.5) });
    }

    #[test]
    fn mistakes_are_named() {
        assert!(parse_line("selfie").unwrap_err().contains("not a kind of proof"));
        assert!(parse_line("checklist").unwrap_err().contains("list the items"));
        assert!(parse_line("number: x..y").unwrap_err().contains("not a number"));
        assert!(parse_line("0 photos").unwrap_err().contains("how many photos"));
    }
}
