//! Cues for evidence handed in: photos, files and links (tickets, issues, pull requests).

use super::{FILE_TYPES, Found, HintKind};

pub(super) fn photo(f: &Found, i: usize) -> Option<(usize, usize)> {
    let w = f.w;
    let next = w.w(i + 1);
    let end = match w.w(i) {
        // A "photo ID" is an identity document, not a picture to take.
        "photo" | "photos" if !w.is(i + 1, "id ids identification card badge licence license") => i + 1,
        "photograph" | "photographs" | "photographed" | "photographing" => i + 1,
        "picture" | "pictures" | "pic" | "pics"
            if (next == "of" || w.near_before(i, 2, "take takes taking took snap a an clear").is_some())
                && w.prev(i) != "big" =>
        {
            i + 1
        }
        "screenshot" | "screenshots" | "screengrab" | "screengrabs" | "screencap" => i + 1,
        "screen" => w.at(i, "screen shot|shots|capture|captures|grab|grabs")?,
        // "snap the lid shut" is not a picture.
        "snap" | "snaps"
            if w.same(i, i + 1)
                && w.near_after(i, 4, "shut closed off into onto together back fit lock locks apart place")
                    .is_none() =>
        {
            i + 1
        }
        _ => return None,
    };
    Some((w.near_before(i, 2, "take takes taking snap attach upload add include").unwrap_or(i), end))
}

const FILE_VERBS: &str = "send sends submit submits attach upload create creates write prepare file complete produce \
                          generate export email share compile fill";
const FILED: &str = "created sent submitted attached uploaded completed generated produced filed exported prepared \
                     written shared";

/// How far back a file's name is looked for, in tokens: "Inventory_2024-05-01_final.xlsx"
/// is a dozen. Unbounded, text glued into one long run ("pdf.pdf.pdf…") walked the whole
/// run back for every extension in it, in time square in its length.
const NAME_REACH: usize = 64;

pub(super) fn file(f: &Found, i: usize) -> Option<(usize, usize)> {
    let w = f.w;
    if !f.free(i) {
        return None;
    }
    let word = w.w(i);
    let end = match word {
        // Attaching or uploading a photo is already a photo; "disks attached to the
        // instances" are fixed to something, not sent.
        "attach" | "attaches" | "attaching" | "attached" | "attachment" | "attachments" | "upload" | "uploads"
        | "uploaded" | "uploading"
            if w.w(i + 1) != "to" && !f.in_clause(HintKind::Photo, i) =>
        {
            i + 1
        }
        "export" | "exports" | "exported" | "exporting" | "invoice" | "invoices" | "logfile" | "logfiles" => i + 1,
        // "Inventory.xlsx file": the whole name, and the word "file" after it.
        _ if FILE_TYPES.contains(&word) => {
            let part =
                |j: usize| w.toks[j + 1].glued && (w.w(j).starts_with(char::is_alphanumeric) || w.is(j, ". _ -"));
            let name = (0..i).rev().take(NAME_REACH).take_while(|&j| part(j)).last().unwrap_or(i);
            return Some((name, if w.is(i + 1, "file files") { i + 2 } else { i + 1 }));
        }
        // "on receipt of goods" is receiving them.
        "receipt" | "receipts" if !w.prev_is(i, "on upon at after before until following") => i + 1,
        // TLS certificates that expire are a server's, not a document to keep.
        "certificate" | "certificates"
            if w.near_before(i, 2, "ssl tls x509 https expiring expired renew root server domain platform")
                .is_none() =>
        {
            i + 1
        }
        "spreadsheet" | "spreadsheets" => {
            w.near_before(i, 3, "update upload attach send submit export complete fill use").map(|_| i + 1)?
        }
        "log" => w.at(i, "log file|files")?,
        "scan" => w.at(i, "scan of")?,
        "disk" => w.at(i, "disk image|images")?,
        "scanned" => w.at(i, "scanned copy|document|form|sheet|page|version|image")?,
        // Reading "the report" asks for nothing; sending or writing one leaves a file.
        "report" | "reports" => {
            if let Some(verb) = w.near_before(i, 3, FILE_VERBS).filter(|&j| f.free(j)) {
                return Some((verb, i + 1));
            }
            w.near_after(i, 4, FILED)? + 1
        }
        // A GPG signature is a file beside the release, not a person's sign-off.
        "gpg" | "pgp" => w.at(i + 1, "sign|signs|signed|signing|signature|signatures")?,
        _ => return None,
    };
    Some((i, end))
}

const TICKET_VERBS: &str = "open opens raise raises file files submit submits create creates log add cut";
const LINK_VERBS: &str = "add paste include provide post share attach insert record give send enter put drop copy note";
const PR_VERBS: &str = "submit open file create raise make send";

pub(super) fn link(f: &Found, i: usize) -> Option<(usize, usize)> {
    let w = f.w;
    if !f.free(i) {
        return None;
    }
    let next = w.w(i + 1);
    let verb = |set: &str, n: usize| w.near_before(i, n, set).map(|j| (j, i + 1));
    match w.w(i) {
        "link" | "links" | "hyperlink" | "url" | "urls" => verb(LINK_VERBS, 3).or_else(|| {
            // "link to the ticket" as an instruction, not "links to the rules" as a noun.
            let instruction = w.prev(i).is_empty() || w.prev_is(i, "to and please must should also");
            (w.w(i) == "link" && next == "to" && instruction).then_some((i, i + 2))
        }),
        "ticket" | "tickets" if w.is(i + 1, "number id reference ref link url no") => Some((i, i + 2)),
        "ticket" | "tickets" => verb(TICKET_VERBS, 5),
        "issue" | "issues" if next == "link" => Some((i, i + 2)),
        "issue" | "issues" if w.prev_is(i, "github jira gitlab") => Some((i - 1, i + 1)),
        "issue" | "issues" => verb("open file create", 3),
        "case" if w.prev(i) != "in" => verb("open opens raise", 3),
        "card" | "cards" => verb("add create open file", 3),
        "pr" | "prs" => verb(PR_VERBS, 3),
        "pull" | "merge" => {
            let end = w.at(i, "pull|merge request|requests")?;
            w.near_before(i, 3, PR_VERBS).map(|j| (j, end))
        }
        _ => None,
    }
}
