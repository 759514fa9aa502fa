//! Uploaded evidence, made safe to keep before any requirement is checked: each file is
//! held to its kind's size limit, typed from its bytes, passed through the virus scanner
//! when one is configured, and a photo is decoded under pixel limits, read for its
//! capture time, stripped of its location and given a thumbnail.

use crate::blobs::{sha256_hex, sniff};
use crate::photo::{self, THUMBNAIL_SIDE};
use crate::{Engine, EngineError, ScanVerdict, Upload};
use jiff::tz::TimeZone;
use proofline_core::OrgId;
use proofline_core::proof::{ProofProblem, ProofRequirement, ProofRule, StoredFile};

/// An upload ready to store: its record, its bytes as kept, and a photo's thumbnail.
pub(crate) struct Prepared {
    pub key: String,
    pub file: StoredFile,
    pub bytes: Vec<u8>,
    pub thumbnail: Option<Vec<u8>>,
}

fn refuse(key: &str, name: &str, why: impl std::fmt::Display) -> EngineError {
    EngineError::Proof(vec![ProofProblem { key: key.to_string(), message: format!("{name}: {why}") }])
}

impl Engine {
    /// Prepares every upload or refuses the first that cannot be kept. `requirements` tells
    /// which uploads are photos; an upload for an unknown key is left for the proof check
    /// to name. The organization's zone (for capture times without an offset) is read
    /// only when a photo comes.
    pub(crate) async fn prepare_uploads(
        &self,
        org: OrgId,
        uploads: Vec<Upload>,
        requirements: &[ProofRequirement],
    ) -> Result<Vec<Prepared>, EngineError> {
        let mut prepared = Vec::with_capacity(uploads.len());
        let mut zone: Option<TimeZone> = None;
        for upload in uploads {
            let is_photo =
                requirements.iter().any(|r| r.key == upload.key && matches!(r.rule, ProofRule::Photo { .. }));
            let name = upload.filename.clone().unwrap_or_else(|| "upload".into());
            let limit = if is_photo { self.config.max_photo_bytes } else { self.config.max_upload_bytes };
            if upload.bytes.len() > limit {
                let what = if is_photo { "photo" } else { "file" };
                return Err(EngineError::TooLarge(format!(
                    "{name:?} is larger than the {} MB a {what} may be",
                    limit / 1_048_576
                )));
            }
            let content_type = sniff(&upload.bytes).map_err(|why| refuse(&upload.key, &name, why))?;
            if let Some(scanner) = &self.config.antivirus {
                match scanner.scan(&upload.bytes).await {
                    Ok(ScanVerdict::Clean) => {}
                    Ok(ScanVerdict::Infected(threat)) => {
                        tracing::warn!(key = %upload.key, %threat, "an upload carried malware and was refused");
                        return Err(refuse(
                            &upload.key,
                            &name,
                            format!("the virus scanner found {threat}; it was not kept"),
                        ));
                    }
                    Err(e) => {
                        tracing::error!(error = %e, "the virus scanner failed; the upload was refused");
                        return Err(EngineError::Unavailable(
                            "uploads cannot be checked for viruses right now; try again in a minute".into(),
                        ));
                    }
                }
            }
            let upload_sha = sha256_hex(&upload.bytes);
            let mut file = StoredFile {
                sha256: upload_sha.clone(),
                content_type,
                size: upload.bytes.len() as u64,
                name: upload.filename,
                ..StoredFile::default()
            };
            if !is_photo {
                prepared.push(Prepared { key: upload.key, file, bytes: upload.bytes, thumbnail: None });
                continue;
            }
            let zone = match &zone {
                Some(zone) => zone.clone(),
                None => zone.insert(self.org_zone(org).await?).clone(),
            };
            let (facts, thumbnail) = photo::prepare(&upload.bytes, &self.config.photo_limits, zone, THUMBNAIL_SIDE)
                .map_err(|why| refuse(&upload.key, &name, why))?;
            file.content_type = facts.content_type;
            file.captured_at = facts.captured_at;
            file.perceptual = Some(format!("{:016x}", facts.dhash));
            let mut bytes = upload.bytes;
            if !self.config.keep_photo_location
                && let Some(stripped) = photo::strip_location(&bytes).map_err(|why| refuse(&upload.key, &name, why))?
            {
                bytes = stripped;
                file.sha256 = sha256_hex(&bytes);
                file.size = bytes.len() as u64;
                file.original_sha256 = Some(upload_sha);
            }
            file.thumbnail = Some(sha256_hex(&thumbnail));
            prepared.push(Prepared { key: upload.key, file, bytes, thumbnail: Some(thumbnail) });
        }
        Ok(prepared)
    }
}
