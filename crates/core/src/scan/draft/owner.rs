//! Who owns or performs an SOP: a labelled line ("Owner: Shift lead"), a sentence that
//! says who is responsible, a RACI table, whoever is said to lead the work or to be on its
//! rota, or, failing all that, a role the SOP addresses by name ("Buddy: introduce
//! yourself").

use super::{Quote, raci_letters};
use crate::scan::document::{Block, BlockKind, clip};

/// The longest owner quoted: a role, not the sentence around it.
const OWNER_CHARS: usize = 80;

/// Labels that introduce who owns or performs an SOP.
const OWNER_LABELS: [&str; 10] = [
    "owner",
    "process owner",
    "responsible",
    "responsible party",
    "performed by",
    "accountable",
    "assigned to",
    "role",
    "who",
    "responsibility",
];

/// Words that name people in SOPs, for roles addressed without a label that says so.
const PEOPLE: [&str; 52] = [
    "admin",
    "administrator",
    "agent",
    "analyst",
    "approver",
    "assistant",
    "author",
    "barista",
    "buddy",
    "captain",
    "cashier",
    "chef",
    "clerk",
    "commander",
    "contractor",
    "cook",
    "coordinator",
    "crew",
    "developer",
    "director",
    "dispatcher",
    "driver",
    "employee",
    "engineer",
    "foreman",
    "head",
    "hire",
    "host",
    "inspector",
    "intern",
    "janitor",
    "lead",
    "leader",
    "manager",
    "member",
    "mentor",
    "nurse",
    "officer",
    "operator",
    "owner",
    "person",
    "responder",
    "reviewer",
    "staff",
    "steward",
    "supervisor",
    "team",
    "technician",
    "trainer",
    "volunteer",
    "waiter",
    "worker",
];

pub(super) fn owner(blocks: &[Block]) -> Option<Quote> {
    let quote = |b: &Block, text: String| Quote { text, line: b.line };
    let first = |read: &dyn Fn(&Block) -> Option<String>| blocks.iter().find_map(|b| read(b).map(|t| quote(b, t)));
    let labelled = |b: &Block| match b.kind {
        BlockKind::Row { .. } => row_owner(b),
        _ => b.lines().find_map(labelled_owner),
    };
    first(&|b| labelled(b).or_else(|| responsible_sentence(&b.text)))
        .or_else(|| raci_owner(blocks))
        .or_else(|| first(&|b| leader_sentence(&b.text).or_else(|| rota_sentence(&b.text))))
        .or_else(|| first(&|b| b.lines().find_map(addressed_role)))
}

/// Who runs the work when nobody is called responsible: "an Incident Commander who will
/// delegate the tasks", "led by the shift manager".
fn leader_sentence(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    let markers = [" who will delegate", " who delegates", " who will coordinate", " who coordinates", " who leads"];
    if let Some(at) = markers.iter().filter_map(|m| lower.find(m)).min() {
        let mut named: Vec<&str> = text[..at]
            .split_whitespace()
            .rev()
            .take_while(|w| w.chars().next().is_some_and(char::is_uppercase))
            .take(4)
            .collect();
        named.reverse();
        if !named.is_empty() {
            return Some(named.join(" "));
        }
    }
    let by = ["led by ", "coordinated by ", "owned by "].iter().find_map(|m| lower.find(m).map(|at| at + m.len()))?;
    let after = &text[by..];
    let end = after.find(['.', ';', ',', '(']).unwrap_or(after.len());
    let who = clip(&after[..end], OWNER_CHARS);
    (!who.is_empty()).then_some(who)
}

/// "Owner: Shift lead" and the like, at the start of a line or table cell. The value ends
/// with its sentence or where the next field begins ("Owner: Shift lead Frequency: daily").
fn labelled_owner(line: &str) -> Option<String> {
    let (label, value) = line.split_once(':')?;
    let label = label.trim().trim_matches(['*', '_']).to_lowercase();
    let value = field_value(value.trim().trim_matches(['*', '_']).trim());
    (OWNER_LABELS.contains(&label.as_str()) && !value.is_empty()).then(|| clip(value, OWNER_CHARS))
}

/// A field's value up to the end of its sentence or the next "Label:".
fn field_value(value: &str) -> &str {
    let mut end = value.len();
    for (at, word) in value.split(' ').scan(0, |offset, w| {
        let at = *offset;
        *offset += w.len() + 1;
        Some((at, w))
    }) {
        // "Dr." and "J." end no sentence; "lead." does.
        let sentence_end = word.ends_with(['.', ';']) && word.trim_end_matches(['.', ';']).chars().count() > 3;
        if at > 0 && word.len() > 1 && word.ends_with(':') {
            end = at;
            break;
        }
        if sentence_end {
            end = at + word.len() - 1;
            break;
        }
    }
    value[..end].trim().trim_end_matches(['*', '_', ',']).trim()
}

/// A key/value row ("Owner | Shift lead"), or a cell that is a labelled field.
fn row_owner(block: &Block) -> Option<String> {
    if let [key, value, ..] = block.cells.as_slice() {
        let key = key.trim().trim_end_matches(':').to_lowercase();
        let value = value.trim();
        // "Role | Responsible" heads a RACI table's columns.
        let heading = OWNER_LABELS.contains(&value.to_lowercase().as_str());
        if OWNER_LABELS.contains(&key.as_str()) && !value.is_empty() && !heading {
            return Some(clip(value, OWNER_CHARS));
        }
    }
    block.cells.iter().find_map(|c| labelled_owner(c))
}

/// "The Safety Person is responsible for …", "Cooks are responsible …", "… should be
/// performed each day by the platform operator who …".
fn responsible_sentence(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    for marker in [" is responsible", " are responsible", " is accountable", " are accountable"] {
        if let Some(at) = lower.find(marker) {
            let subject = text[sentence_start(&text[..at])..at].trim();
            // "If it fails, the manager is responsible": the subject follows the clause.
            let subject = subject.rsplit_once(", ").map_or(subject, |(_, s)| s);
            // "Buddy: If you cannot …, you are responsible for …" names whom it tells.
            if subject.eq_ignore_ascii_case("you") {
                let (label, _) = text.split_once(':')?;
                let label = label.trim().trim_matches(['*', '_']);
                return (1..=4).contains(&label.split_whitespace().count()).then(|| clip(label, OWNER_CHARS));
            }
            let words = subject.split_whitespace().count();
            if (1..=8).contains(&words) && !subject.eq_ignore_ascii_case("everyone") {
                return Some(clip(subject, OWNER_CHARS));
            }
        }
    }
    // "performed each day by the platform operator who is on the rotation"; not
    // "performed in parallel as assigned by the IC", where the one named assigns.
    let done = ["performed", "carried out", "completed", "done"].iter().filter_map(|w| lower.find(w)).min()?;
    let by = done + lower[done..].find(" by ")?;
    let between: Vec<&str> = lower[done..by].split_whitespace().skip(1).collect();
    if between.len() > 4 || between.iter().any(|w| *w == "as" || w.ends_with("ed")) {
        return None;
    }
    let after = &text[by + 4..];
    let end = after.find(['.', ';', ',', '(']).unwrap_or(after.len());
    let who = clip(after[..end].trim(), OWNER_CHARS);
    (!who.is_empty()).then_some(who)
}

/// Where the sentence holding the end of `before` starts: after ". ", "; ", ": " and the
/// like, so "GOV.UK developers" stays whole.
fn sentence_start(before: &str) -> usize {
    [". ", "! ", "? ", "; ", ": "].iter().filter_map(|m| before.rfind(m).map(|i| i + m.len())).max().unwrap_or(0)
}

/// "GOV.UK developers are part of an on-call rota": who takes turns doing the work.
fn rota_sentence(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    let markers = [" are part of ", " is part of ", " are on the ", " is on the ", " are on a ", " take turns"];
    for marker in markers {
        let Some(at) = lower.find(marker) else { continue };
        let rest = &lower[at..];
        let said = rest.find(". ").map_or(rest, |end| &rest[..end]);
        if !["rota", "rotation", "roster", "take turns"].iter().any(|w| said.contains(w)) {
            continue;
        }
        let subject = text[sentence_start(&text[..at])..at].trim();
        if (1..=6).contains(&subject.split_whitespace().count()) {
            return Some(clip(subject, OWNER_CHARS));
        }
    }
    None
}

/// A RACI table: the first name in its Responsible (or R) column or, in a matrix of tasks
/// against roles, the role marked R on the first task.
fn raci_owner(blocks: &[Block]) -> Option<Quote> {
    let mut header: Option<&Block> = None;
    let mut column = None;
    for block in blocks {
        match block.kind {
            BlockKind::Row { header: true } => {
                header = Some(block);
                column = block.cells.iter().position(|c| {
                    let c = c.trim().to_lowercase();
                    c == "responsible" || c == "r" || c == "owner"
                });
            }
            BlockKind::Row { header: false } => {
                if let Some(value) = column.and_then(|c| block.cells.get(c)).filter(|v| !v.trim().is_empty()) {
                    return Some(Quote { text: clip(value, OWNER_CHARS), line: block.line });
                }
                let marked = block
                    .cells
                    .iter()
                    .skip(1)
                    .position(|c| raci_letters(c).is_some_and(|l| l.contains(&"R")))
                    .map(|c| c + 1);
                if let Some(role) = marked.and_then(|c| header?.cells.get(c)).filter(|r| !r.trim().is_empty()) {
                    return Some(Quote { text: clip(role, OWNER_CHARS), line: block.line });
                }
            }
            _ => (header, column) = (None, None),
        }
    }
    None
}

/// A role the SOP speaks to by name: "Buddy: introduce yourself …", "Offboardee: (handle
/// of the person leaving)". The name must be a person's ("Fryer: empty the oil" is not).
fn addressed_role(line: &str) -> Option<String> {
    let (label, rest) = line.split_once(':')?;
    let label = label.trim().trim_matches(['*', '_']).trim();
    let words: Vec<String> = label.split_whitespace().map(str::to_lowercase).collect();
    let connector = |w: &str| matches!(w, "and" | "or" | "&" | "/");
    let person = |w: &str| {
        let w = w.strip_suffix('s').filter(|w| !w.ends_with('s')).unwrap_or(w);
        // Run together ("NewPerson"), only words no machine part ends with: not "head"
        // ("Printhead").
        let compound = ["person", "manager", "member", "worker", "officer"].iter().any(|p| w.ends_with(p));
        // -ee names the one a thing is done to or for: trainee, assignee, employee; not
        // "coffee" or "degree".
        let done_to = w.len() >= 6 && w.ends_with("ee") && !w.ends_with("ffee") && !w.ends_with("ree");
        PEOPLE.contains(&w) || compound || done_to
    };
    let named = (1..=4).contains(&words.len())
        && words.iter().all(|w| connector(w) || w.chars().all(|c| c.is_alphabetic() || c == '-'))
        && words.iter().any(|w| person(w));
    (named && !rest.trim().is_empty()).then(|| clip(label, OWNER_CHARS))
}

#[cfg(test)]
mod tests {
    use crate::scan::{Format, scan};

    fn owner(text: &str, format: Format) -> Option<String> {
        scan(text, format).unwrap().draft.owner.map(|o| o.text)
    }

    #[test]
    fn a_labelled_owner_ends_with_its_line_sentence_or_field() {
        let joined =
            "# Opening\n\nOwner: Shift lead\nEvery morning before opening, check the fridge.\n\n1. Unlock the door\n";
        assert_eq!(owner(joined, Format::Markdown).as_deref(), Some("Shift lead"));
        assert_eq!(owner(joined, Format::Text).as_deref(), Some("Shift lead"));
        for line in ["Owner: Shift lead. Runs daily.", "Owner: Shift lead Frequency: daily", "Owner: **Shift lead**"] {
            assert_eq!(
                owner(&format!("{line}\n\n1. Unlock the door\n"), Format::Markdown).as_deref(),
                Some("Shift lead")
            );
        }
        assert_eq!(
            owner("Owner: Dr. Ana Ruiz\n\n1. Unlock the door\n", Format::Markdown).as_deref(),
            Some("Dr. Ana Ruiz")
        );
    }

    #[test]
    fn tables_name_the_owner_as_fields_or_raci() {
        let fields = "| Owner | Shift lead |\n|---|---|\n| Frequency | Daily |\n\n1. Unlock the door\n";
        assert_eq!(owner(fields, Format::Markdown).as_deref(), Some("Shift lead"));
        let cells = "| Owner: Shift lead | Frequency: daily |\n|---|---|\n\n1. Unlock the door\n";
        assert_eq!(owner(cells, Format::Markdown).as_deref(), Some("Shift lead"));
        let raci = "| Task | Cook | Manager |\n|---|---|---|\n| Count the till | A | R |\n\n1. Unlock the door\n";
        assert_eq!(owner(raci, Format::Markdown).as_deref(), Some("Manager"));
        let column = "| Step | Responsible |\n|---|---|\n| Count the till | Night porter |\n\n1. Unlock the door\n";
        assert_eq!(owner(column, Format::Markdown).as_deref(), Some("Night porter"));
    }

    #[test]
    fn who_does_the_work_is_read_from_what_the_sop_says_of_them() {
        let assigned = "Tasks may be performed in parallel as assigned by the IC, an Incident Commander who will \
                        delegate the tasks.\n\n1. Stop the attack\n";
        assert_eq!(owner(assigned, Format::Markdown).as_deref(), Some("Incident Commander"));
        let rota = "GOV.UK developers are part of an on-call rota.\n\n- Attend the handover\n";
        assert_eq!(owner(rota, Format::Markdown).as_deref(), Some("GOV.UK developers"));
        let told = "Buddy: If you cannot do an item, you are responsible for finding someone who can.\n\n- Say hello\n";
        assert_eq!(owner(told, Format::Markdown).as_deref(), Some("Buddy"));
        let addressed = "Trainee: read the handbook first.\n\n- Say hello\n";
        assert_eq!(owner(addressed, Format::Markdown).as_deref(), Some("Trainee"));
        for device in ["Fryer: empty the oil.", "Printhead: wipe it clean.", "Coffee: refill the beans."] {
            assert_eq!(owner(&format!("{device}\n\n- Wipe the hood\n"), Format::Markdown), None, "{device}");
        }
    }
}
