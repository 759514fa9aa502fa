//! Signature cues: a person's own word that the work was done ("sign off", "initial the
//! log", "confirm", "cleaning must be recorded").

use super::approval::SIGN;
use super::note::recorded;
use super::words::DETERMINERS;
use super::{Found, HintKind};

/// Words before "sign" that make it a noun: "any sign", "warning signs".
const SIGN_NOUNS: &str = "a an the any each every this that these those your their our its no first early warning \
                          clear visible obvious some other stop exit safety vital";
const INITIAL_OBJECTS: &str =
    "the each every this it here and your all both box log sheet form page record entry below next";

pub(super) fn signature(f: &Found, i: usize) -> Option<(usize, usize)> {
    let w = f.w;
    if !f.free(i) {
        return None;
    }
    let next = w.w(i + 1);
    let end = match w.w(i) {
        // "sign in", "signs of pests", "any sign", "warning signs" are not signing.
        _ if w.is(i, SIGN) => {
            // "signs include poor adhesion": as a verb, "signs" is followed by what is signed.
            let noun = next == "of"
                || w.prev_is(i, SIGN_NOUNS)
                || (w.is(i, "signs signing")
                    && !w.is(i + 1, "the a an it off and for each every here this his her their"));
            let session = w.is(i + 1, "in into up out") || w.at(i + 1, "on to").is_some();
            if noun || session {
                return None;
            }
            if next == "off" { i + 2 } else { i + 1 }
        }
        "signoff" | "signature" | "signatures" => i + 1,
        // "initial the log", not "the initial attack" or "initial setup".
        "initial"
            if !w.prev_is(i, DETERMINERS)
                && (!w.same(i, i + 1) || !next.starts_with(char::is_alphanumeric) || w.is(i + 1, INITIAL_OBJECTS)) =>
        {
            i + 1
        }
        "initials" | "initialled" | "initialed" | "initialling" | "initialing" => i + 1,
        "confirm" | "confirms" | "attest" | "attests" | "attested" | "attestation" => i + 1,
        // Acknowledging an alert is a click in the paging tool, not a person's word.
        "acknowledge" | "acknowledges" | "acknowledged" | "acknowledgement" | "acknowledgment"
            if w.near_after(i, 3, "alert alerts page pages alarm alarms notification notifications").is_none() =>
        {
            i + 1
        }
        _ => return recorded(w, i).filter(|r| r.2 == HintKind::Signature).map(|r| (r.0, r.1)),
    };
    Some((i, end))
}
