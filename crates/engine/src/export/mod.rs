//! The evidence export: one process's runs in a period as a zip an auditor can check with
//! nothing but `sha256sum` — a manifest with every file's hash and the organization's chain
//! head, the evidence files as stored, and a report per run of who did what, when, with
//! what proof, and what moved and why.

mod archive;
mod pdf;
mod period;
mod render;
mod report;

use crate::blobs::{sha256_hex, sniff};
use crate::{Actor, Engine, EngineError};
use archive::{Archive, Entry};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
pub use period::ExportPeriod;
use proofline_core::{PersonId, ProcessId};
use proofline_store::{EventRecord, RunRecord, SubmissionRecord, TaskQuery, TaskRecord};
use report::{FileState, Names};
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};

/// The longest period one export covers: a year and a bit, so an annual audit fits.
pub const MAX_EXPORT_DAYS: i64 = 400;
/// More runs than this is a period to split; the archive is built in memory.
pub const MAX_EXPORT_RUNS: u32 = 5_000;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExportOptions {
    /// Add `report.pdf` beside each run's `report.html`.
    pub pdf: bool,
    /// Where the export was asked for ("web", "API", "command line"), recorded with who
    /// asked, since the command line acts for the owner without their signing in.
    pub via: &'static str,
}

/// A finished export: the zip and what it holds, for a summary line.
#[derive(Debug, Clone)]
pub struct EvidenceExport {
    pub zip: Vec<u8>,
    pub process_key: String,
    pub runs: usize,
    /// Evidence files written into the archive.
    pub files: usize,
    /// Evidence files the submissions name but the blob store no longer holds.
    pub missing: usize,
}

/// One run with everything recorded about its tasks.
pub(crate) struct RunEvidence {
    pub run: RunRecord,
    pub tasks: Vec<TaskEvidence>,
}

pub(crate) struct TaskEvidence {
    pub task: TaskRecord,
    pub submissions: Vec<SubmissionRecord>,
    pub events: Vec<EventRecord>,
}

/// Refuses an empty, reversed or overlong period.
pub fn check_export_range(from: Timestamp, to: Timestamp) -> Result<(), EngineError> {
    if from >= to {
        return Err(EngineError::invalid("to", "the end of the period must come after its start"));
    }
    if to.duration_since(from) > SignedDuration::from_hours(24 * MAX_EXPORT_DAYS) {
        return Err(EngineError::invalid("to", format!("a period may span at most {MAX_EXPORT_DAYS} days")));
    }
    Ok(())
}

/// A content type's file name extension, so the evidence opens with the right program.
fn extension(content_type: &str) -> &'static str {
    match content_type {
        "image/jpeg" => "jpg",
        "image/png" => "png",
        "image/webp" => "webp",
        "image/gif" => "gif",
        "application/pdf" => "pdf",
        "text/plain" => "txt",
        "text/csv" => "csv",
        _ => "bin",
    }
}

/// Formats that are compressed already: deflating them again costs time for nothing.
fn already_compressed(content_type: &str) -> bool {
    matches!(content_type, "image/jpeg" | "image/png" | "image/webp" | "image/gif" | "application/pdf")
}

fn is_sha256(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

impl Engine {
    /// Builds the evidence export of `process` for runs scheduled in `[from, to)`.
    /// Managers, owners and auditors may export; a member may not.
    pub async fn export_evidence(
        &self,
        actor: Actor,
        process: ProcessId,
        from: Timestamp,
        to: Timestamp,
        options: ExportOptions,
    ) -> Result<EvidenceExport, EngineError> {
        if !actor.access.can_oversee() {
            return Err(EngineError::Forbidden("only managers, owners and auditors may export evidence".into()));
        }
        check_export_range(from, to)?;
        let store = &self.store;
        let org = store.get_org(actor.org).await?;
        let zone = TimeZone::get(&org.zone).unwrap_or(TimeZone::UTC);
        let process = store.get_process(actor.org, process).await?;
        let runs = store.runs_between(actor.org, process.id, from, to, MAX_EXPORT_RUNS + 1).await?;
        if runs.len() > MAX_EXPORT_RUNS as usize {
            return Err(EngineError::invalid(
                "to",
                format!("the period holds more than {MAX_EXPORT_RUNS} runs; export a shorter one"),
            ));
        }
        let people = store.list_people(actor.org).await?;
        let names = Names(people.iter().map(|p| (p.id, p.name.clone())).collect::<HashMap<PersonId, String>>());
        let mut gathered = Vec::with_capacity(runs.len());
        for run in runs {
            let query = TaskQuery { run: Some(run.id), limit: 1_000, ..TaskQuery::default() };
            let mut tasks = store.list_tasks(actor.org, &query).await?;
            tasks.sort_by_key(|t| (t.step_index, t.id));
            let mut evidence = Vec::with_capacity(tasks.len());
            for task in tasks {
                let submissions = store.submissions(actor.org, task.id).await?;
                let events = store.task_history(actor.org, task.id).await?;
                evidence.push(TaskEvidence { task, submissions, events });
            }
            gathered.push(RunEvidence { run, tasks: evidence });
        }
        let all_tasks: Vec<TaskRecord> = gathered.iter().flat_map(|r| r.tasks.iter().map(|t| t.task.clone())).collect();
        let definitions = self.definitions_of(&all_tasks).await?;
        let generated_at = self.now();

        let mut archive = Archive::new(generated_at);
        let files = self.write_evidence(&mut archive, &gathered).await?;
        let context = report::Context {
            process: &process,
            org: &org,
            zone: &zone,
            names: &names,
            definitions: &definitions,
            files: &files,
            generated_at,
            generated_by: match options.via {
                "" => names.of(actor.person),
                via => format!("{} ({via})", names.of(actor.person)),
            },
            from,
            to,
        };
        let renderer = render::Renderer::new()?;
        let mut summaries = Vec::with_capacity(gathered.len());
        for run in &gathered {
            let view = context.run_view(run);
            let dir = format!("runs/{}", run.run.id);
            archive.add(&format!("{dir}/report.html"), renderer.run(&context, &view)?.as_bytes(), true)?;
            if options.pdf {
                let pdf = pdf::text_pdf(&view.title_line(), &context.text_lines(&view))?;
                archive.add(&format!("{dir}/report.pdf"), &pdf, false)?;
            }
            summaries.push(view.summary(options.pdf));
        }
        let heads = store.chain_heads().await?;
        let head = heads.into_iter().find(|(o, _)| *o == actor.org).and_then(|(_, head)| head);
        archive.add("index.html", renderer.index(&context, &summaries, head.as_ref())?.as_bytes(), true)?;

        let missing = files.values().filter(|f| f.path.is_none()).count();
        let written = files.len() - missing;
        let mut listed: Vec<Value> = archive.entries().iter().map(Entry::to_json).collect();
        listed.extend(files.iter().filter(|(_, f)| f.path.is_none()).map(|(sha256, f)| {
            json!({
                "path": Value::Null,
                "sha256": sha256,
                "size": f.size,
                "content_type": f.content_type,
                "missing": true,
                "reason": f.missing,
            })
        }));
        let versions: std::collections::BTreeSet<u32> = gathered.iter().map(|r| r.run.version).collect();
        let manifest = json!({
            "format": "proofline-evidence-export/1",
            "organization": {"id": org.id.0, "name": org.name, "zone": org.zone},
            "process": {
                "id": process.id.0,
                "key": process.key,
                "name": process.definition.name,
                "current_version": process.version,
                "versions_in_period": versions,
            },
            "period": {"from": from.to_string(), "to": to.to_string(), "end": "exclusive"},
            "generated_at": generated_at.to_string(),
            "generated_by": {
                "id": actor.person.0,
                "name": names.of(actor.person),
                "access": actor.access.as_str(),
                "via": options.via,
            },
            "chain_heads": head.iter().map(|h| json!({"org": h.org, "seq": h.seq, "hash": h.hash})).collect::<Vec<_>>(),
            "runs": summaries.iter().map(report::RunSummary::to_json).collect::<Vec<_>>(),
            "files": listed,
            "verify": "Run `sha256sum -c SHA256SUMS` in the unpacked folder; SHA256SUMS also covers this file.",
        });
        let manifest = serde_json::to_vec_pretty(&manifest)
            .map_err(|e| EngineError::Store(proofline_store::StoreError::Other(format!("the manifest: {e}"))))?;
        archive.add("MANIFEST.json", &manifest, true)?;
        let sums = archive.sha256sums();
        archive.add_unlisted("SHA256SUMS", sums.as_bytes())?;
        Ok(EvidenceExport {
            zip: archive.finish()?,
            process_key: process.key,
            runs: gathered.len(),
            files: written,
            missing,
        })
    }

    /// Writes every file the runs' submissions name (with photo thumbnails) into the
    /// archive once, and says for each where it went or why it is not there. Bytes are
    /// dropped as soon as they are written, so only the archive grows.
    async fn write_evidence(
        &self,
        archive: &mut Archive,
        runs: &[RunEvidence],
    ) -> Result<BTreeMap<String, FileState>, EngineError> {
        let mut wanted: BTreeMap<String, (Option<String>, Option<u64>)> = BTreeMap::new();
        for submission in runs.iter().flat_map(|r| &r.tasks).flat_map(|t| &t.submissions) {
            for file in report::files_in(&submission.evidence) {
                wanted.entry(file.sha256.to_string()).or_insert((Some(file.content_type.to_string()), file.size));
                if let Some(thumbnail) = file.thumbnail {
                    wanted.entry(thumbnail.to_string()).or_insert((None, None));
                }
            }
        }
        let mut states = BTreeMap::new();
        for (sha256, (content_type, size)) in wanted {
            let state = if !is_sha256(&sha256) {
                FileState::missing(content_type, size, "not a valid file reference")
            } else {
                match self.blobs.get(&sha256).await {
                    Ok(bytes) if sha256_hex(&bytes) != sha256 => {
                        tracing::warn!(%sha256, "a stored evidence file no longer matches its hash");
                        FileState::missing(content_type, size, "the stored copy no longer matches its hash")
                    }
                    Ok(bytes) => {
                        // Thumbnails are not named in evidence with a type: read it from the bytes.
                        let content_type = content_type
                            .unwrap_or_else(|| sniff(&bytes).unwrap_or_else(|_| "application/octet-stream".into()));
                        let path = format!("evidence/{sha256}.{}", extension(&content_type));
                        archive.add(&path, &bytes, !already_compressed(&content_type))?;
                        FileState {
                            path: Some(path),
                            content_type: Some(content_type),
                            size: Some(bytes.len() as u64),
                            missing: None,
                        }
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => FileState::missing(
                        content_type,
                        size,
                        "file removed under the retention policy, or missing from storage",
                    ),
                    Err(e) => {
                        tracing::error!(%sha256, error = %e, "an evidence file could not be read for an export");
                        return Err(EngineError::Unavailable(
                            "evidence files cannot be read right now; try again later".into(),
                        ));
                    }
                }
            };
            states.insert(sha256, state);
        }
        Ok(states)
    }
}
