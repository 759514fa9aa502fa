//! Photos that pass their requirement but deserve a second look: no capture time, taken
//! before the task opened or in the future, or the same picture as one already
//! submitted for this step. These become exceptions on the submission, not refusals:
//! a phone that strips EXIF is common, and the same shelf can look alike two days running.

use super::{Exception, StoredFile};
use jiff::{SignedDuration, Timestamp};
use serde_json::Value;

/// Clock drift between a phone and the server that is not worth a word.
const DRIFT: SignedDuration = SignedDuration::from_mins(5);

/// Hashes at most this many bits apart are taken for the same picture.
pub const SIMILAR_BITS: u32 = 10;

/// Every stored file an evidence record names, thumbnails included, each once: what
/// retention deletes when the record's time is up.
pub fn file_hashes(evidence: &Value) -> Vec<String> {
    fn walk(value: &Value, out: &mut Vec<String>) {
        match value {
            Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
            Value::Object(map) if map.contains_key("sha256") && map.contains_key("content_type") => {
                for key in ["sha256", "thumbnail"] {
                    if let Some(sha) = map.get(key).and_then(Value::as_str)
                        && !out.iter().any(|s| s == sha)
                    {
                        out.push(sha.to_string());
                    }
                }
            }
            Value::Object(map) => map.values().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(evidence, &mut out);
    out
}

/// A photo submitted earlier for the same step.
#[derive(Debug, Clone, PartialEq)]
pub struct EarlierPhoto {
    pub upload_sha256: String,
    pub perceptual: Option<u64>,
    pub at: Timestamp,
    pub task: i64,
}

/// The photos in a stored evidence record, wherever they sit.
pub fn photos_in(evidence: &Value) -> Vec<StoredFile> {
    let mut found = Vec::new();
    collect(evidence, &mut found);
    found
}

fn collect(value: &Value, found: &mut Vec<StoredFile>) {
    match value {
        Value::Array(items) => items.iter().for_each(|v| collect(v, found)),
        Value::Object(map) if map.contains_key("sha256") && map.contains_key("content_type") => {
            if let Ok(file) = serde_json::from_value::<StoredFile>(value.clone())
                && file.content_type.starts_with("image/")
            {
                found.push(file);
            }
        }
        Value::Object(map) => map.values().for_each(|v| collect(v, found)),
        _ => {}
    }
}

/// What is worth a look about the photos answering requirement `key` (named `name`), for
/// a task that opened at `opened_at`, checked at `now` against `earlier` submissions.
pub fn photo_flags(
    key: &str,
    name: &str,
    photos: &[StoredFile],
    opened_at: Timestamp,
    now: Timestamp,
    earlier: &[EarlierPhoto],
) -> Vec<Exception> {
    let mut flags = Vec::new();
    let mut flag = |message: String| flags.push(Exception { key: key.to_string(), message });
    for (n, photo) in photos.iter().enumerate() {
        let which = if photos.len() > 1 { format!("{name} (photo {})", n + 1) } else { name.to_string() };
        match photo.captured_at {
            None => flag(format!(
                "{which}: the photo carries no capture time, so when it was taken cannot be checked (a screenshot, an edited copy or a phone set to remove it)"
            )),
            Some(at) if at + DRIFT < opened_at => {
                flag(format!("{which}: taken at {at}, before this task opened at {opened_at}"))
            }
            Some(at) if at > now + DRIFT => flag(format!("{which}: its capture time {at} is in the future")),
            Some(_) => {}
        }
        let perceptual = photo.perceptual.as_deref().and_then(|h| u64::from_str_radix(h, 16).ok());
        if let Some(same) = earlier.iter().find(|e| e.upload_sha256 == photo.upload_sha256()) {
            flag(format!(
                "{which}: the same photo was already submitted at {} (task {}): reused evidence",
                same.at, same.task
            ));
        } else if let Some(like) = perceptual
            .and_then(|p| earlier.iter().find(|e| e.perceptual.is_some_and(|q| (p ^ q).count_ones() <= SIMILAR_BITS)))
        {
            flag(format!(
                "{which}: looks like the photo submitted at {} (task {}); check it shows this run's work",
                like.at, like.task
            ));
        }
    }
    flags
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn photo(sha: &str, at: Option<&str>, perceptual: &str) -> StoredFile {
        StoredFile {
            sha256: sha.into(),
            content_type: "image/jpeg".into(),
            captured_at: at.map(t),
            perceptual: Some(perceptual.into()),
            ..StoredFile::default()
        }
    }

    #[test]
    fn capture_times_outside_the_window_or_missing_are_flagged() {
        let (opened, now) = (t("2026-01-05T07:00:00Z"), t("2026-01-05T07:40:00Z"));
        let flags = |p: StoredFile| photo_flags("photo", "Fridge", &[p], opened, now, &[]);
        assert!(flags(photo("a", Some("2026-01-05T07:30:00Z"), "00ff")).is_empty());
        assert!(flags(photo("a", Some("2026-01-05T06:58:00Z"), "00ff")).is_empty(), "a phone's clock may drift");
        assert!(flags(photo("a", Some("2026-01-04T07:30:00Z"), "00ff"))[0].message.contains("before this task opened"));
        assert!(flags(photo("a", Some("2026-01-06T07:30:00Z"), "00ff"))[0].message.contains("in the future"));
        assert!(flags(photo("a", None, "00ff"))[0].message.contains("no capture time"));
    }

    #[test]
    fn the_same_or_a_near_identical_photo_from_an_earlier_run_is_reused_evidence() {
        let (opened, now) = (t("2026-01-05T07:00:00Z"), t("2026-01-05T07:40:00Z"));
        let earlier = [EarlierPhoto {
            upload_sha256: "orig".into(),
            perceptual: Some(0xF0F0_F0F0_F0F0_F0F0),
            at: t("2026-01-04T07:20:00Z"),
            task: 7,
        }];
        let at = Some("2026-01-05T07:30:00Z");
        let mut same = photo("stripped", at, "0000000000000001");
        same.original_sha256 = Some("orig".into());
        let flags = photo_flags("photo", "Fridge", &[same], opened, now, &earlier);
        assert!(flags[0].message.contains("same photo was already submitted") && flags[0].message.contains("task 7"));
        let near = photo("other", at, "f0f0f0f0f0f0f0f3");
        assert!(photo_flags("photo", "Fridge", &[near], opened, now, &earlier)[0].message.contains("looks like"));
        let different = photo("other", at, "0f0f0f0f0f0f0f0f");
        assert!(photo_flags("photo", "Fridge", &[different], opened, now, &earlier).is_empty());
    }

    #[test]
    fn photos_are_found_anywhere_in_stored_evidence() {
        let evidence = serde_json::json!({"photo": [{"sha256": "a", "content_type": "image/png", "size": 3}],
            "file": [{"sha256": "b", "content_type": "application/pdf", "size": 3}], "number": 4});
        let found = photos_in(&evidence);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].sha256, "a");
    }
}
