//! Approval cues: a second person's word ("manager signs off", "approved by QA", "a second
//! person must check"), read before any other kind so that it claims its words first.

use super::words::{BE, REACH, Words};
use super::{Found, HintKind};

const ROLES: &str = "manager managers supervisor supervisors lead leader chef owner qa reviewer reviewers approver \
                     inspector auditor colleague peer witness director checker pharmacist";
const CHECKS: &str = "verify verifies check checks review reviews confirm confirms inspect inspects validate validates \
                      sign signs countersign countersigns witness witnesses approve approves";
const CHECKED: &str = "checked verified reviewed signed countersigned witnessed inspected validated confirmed audited";
pub(super) const SIGN: &str = "sign signs signed signing";

/// A second person: "manager", "second person", "someone else". The index after it.
fn role(w: &Words, i: usize) -> Option<usize> {
    if w.is(i, ROLES) {
        return Some(i + 1);
    }
    w.at(i, "second|2nd|another|independent person|colleague|member|operator|cook|checker|signatory")
        .or_else(|| w.at(i, "someone|somebody else"))
}

/// "… by the Kitchen Manager": the index after the role, or after "by" when none is named.
fn by_whom(w: &Words, by: usize) -> Option<usize> {
    w.is(by, "by from").then(|| w.ahead(by, 4).find_map(|j| role(w, j)).unwrap_or(by + 1))
}

pub(super) fn approvals(f: &mut Found) {
    let w = f.w;
    for i in 0..w.len() {
        let word = w.w(i);
        let end = match word {
            "approve" | "approves" | "approving" | "approval" | "approvals" | "approver" | "approvers" => {
                Some(by_whom(w, i + 1).unwrap_or(i + 1))
            }
            // "approved recipes" names a kind of recipe; "approved by", "must be approved" ask.
            "approved" if w.w(i + 1) == "by" || w.back(i, 2).any(|j| w.is(j, BE)) => {
                Some(by_whom(w, i + 1).unwrap_or(i + 1))
            }
            "countersign" | "countersigns" | "countersigned" | "countersigning" | "countersignature" => Some(i + 1),
            "counter" => w.at(i + 1, "sign|signs|signed|signature").map(|_| i + 2),
            "two" => w.at(i, "two person|man|people"),
            "four" => w.at(i, "four eyes|eye"),
            "peer" => w.at(i, "peer review|reviewed|reviews|check|checked|checks"),
            // A sign-off is another person's when someone is named; alone it is one's own.
            _ if w.is(i, SIGN) || word == "signoff" => {
                match if word == "signoff" { Some(i + 1) } else { w.at(i + 1, "off") } {
                    Some(end) => {
                        let named = w.back(i, REACH).chain(w.ahead(i, REACH)).any(|j| role(w, j).is_some());
                        by_whom(w, end).or(named.then_some(end))
                    }
                    None if w.w(i + 1) == "by" => w.ahead(i + 1, 4).find_map(|j| role(w, j)),
                    None => None,
                }
            }
            _ if w.is(i, CHECKED) && w.w(i + 1) == "by" => w.ahead(i + 1, 4).find_map(|j| role(w, j)),
            // "the manager verifies", "a second person must check".
            _ => role(w, i).and_then(|after| {
                let mut j = after;
                while j < after + 3 && w.is(j, "must should will shall then to also has have needs need always can may")
                {
                    j += 1;
                }
                (w.same(i, j) && w.is(j, CHECKS)).then(|| if w.w(j + 1) == "off" { j + 2 } else { j + 1 })
            }),
        };
        if let Some(end) = end.filter(|&end| !w.negated(i, end)) {
            f.add(HintKind::Approval, i, end);
        }
    }
}
