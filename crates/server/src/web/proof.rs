//! The proof form: one input per requirement, shaped by its kind (camera capture for
//! photos, a number with its allowed range, checklist ticks, a typed signature), and the
//! reading of the posted form back into the values and files the engine checks.

use super::page::PageError;
use axum::extract::Multipart;
use axum::extract::multipart::MultipartError;
use proofline_core::proof::{ProofRequirement, ProofRule};
use proofline_engine::Upload;
use serde::Serialize;
use serde_json::{Map, Value};

/// What was posted, kept to show the form again when the proof is refused.
#[derive(Debug, Default)]
pub struct ProofInput {
    pub csrf: String,
    /// Text parts in order, by name.
    pub texts: Vec<(String, String)>,
    /// (requirement key or field, message) for everything refused.
    pub errors: Vec<(String, String)>,
}

impl ProofInput {
    fn first(&self, name: &str) -> Option<&str> {
        self.texts.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    fn all(&self, name: &str) -> impl Iterator<Item = &str> {
        self.texts.iter().filter(move |(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    fn error(&self, key: &str) -> Option<String> {
        let messages: Vec<&str> = self.errors.iter().filter(|(k, _)| k == key).map(|(_, m)| m.as_str()).collect();
        (!messages.is_empty()).then(|| messages.join(" "))
    }

    /// The values the engine checks: `key[]` parts gather into a list (ticked items),
    /// `key.field` parts into an object (a signature's name and attestation).
    pub fn values(&self) -> Map<String, Value> {
        let mut values = Map::new();
        for (name, text) in &self.texts {
            if let Some(key) = name.strip_suffix("[]") {
                let list = values.entry(key).or_insert_with(|| Value::Array(Vec::new()));
                if let Value::Array(items) = list {
                    items.push(Value::String(text.clone()));
                }
            } else if let Some((key, field)) = name.split_once('.') {
                let object = values.entry(key).or_insert_with(|| Value::Object(Map::new()));
                if let Value::Object(map) = object {
                    map.insert(field.to_string(), Value::String(text.clone()));
                }
            } else if !text.trim().is_empty() {
                values.insert(name.clone(), Value::String(text.clone()));
            }
        }
        // Checklist items marked failed arrive as `key.failed[]` beside the ticked `key[]`.
        let failed: Vec<String> = values.keys().filter(|k| k.ends_with(".failed")).cloned().collect();
        for name in failed {
            let (Some(list), Some(key)) = (values.remove(&name), name.strip_suffix(".failed")) else { continue };
            let done = values.remove(key).unwrap_or_else(|| Value::Array(Vec::new()));
            values.insert(key.to_string(), serde_json::json!({"done": done, "failed": list}));
        }
        values
    }
}

fn broken(e: MultipartError) -> PageError {
    PageError::Status(e.status(), format!("The form could not be read: {}", e.body_text()))
}

/// Splits the posted form into its text parts and files. A file input left empty
/// arrives as an empty part with an empty name, and is skipped.
pub async fn read_proof_form(mut form: Multipart) -> Result<(ProofInput, Vec<Upload>), PageError> {
    let mut input = ProofInput::default();
    let mut uploads = Vec::new();
    while let Some(field) = form.next_field().await.map_err(broken)? {
        let name = field.name().unwrap_or_default().to_string();
        if let Some(filename) = field.file_name().map(str::to_string) {
            let bytes = field.bytes().await.map_err(broken)?;
            if !(filename.is_empty() && bytes.is_empty()) {
                let filename = Some(filename).filter(|f| !f.is_empty());
                uploads.push(Upload { key: name, filename, bytes: bytes.to_vec() });
            }
        } else {
            let text = field.text().await.map_err(broken)?;
            if name == "_csrf" {
                input.csrf = text;
            } else if !name.is_empty() && input.texts.len() < 1_000 {
                input.texts.push((name, text));
            }
        }
    }
    Ok((input, uploads))
}

/// One requirement as the form shows it.
#[derive(Debug, Serialize)]
pub struct ProofField {
    pub key: String,
    pub kind: &'static str,
    /// "Number (0 to 5 °C): Fridge temperature".
    pub label: String,
    pub unit: Option<String>,
    /// The bounds as people write them ("5", not the template's "5.0").
    pub min: Option<String>,
    pub max: Option<String>,
    /// Photos needed at least.
    pub count: u32,
    /// The file input's `accept`.
    pub accept: String,
    /// Checklist items with whether they were ticked.
    pub items: Vec<(String, bool)>,
    pub attestation: String,
    /// What was typed before a refusal.
    pub value: String,
    pub attested: bool,
    pub error: Option<String>,
}

impl ProofField {
    pub fn new(requirement: &ProofRequirement, input: &ProofInput) -> ProofField {
        let key = requirement.key.clone();
        let mut field = ProofField {
            kind: requirement.rule.kind(),
            label: requirement.describe(),
            unit: None,
            min: None,
            max: None,
            count: 0,
            accept: String::new(),
            items: Vec::new(),
            attestation: String::new(),
            value: input.first(&key).unwrap_or_default().to_string(),
            attested: false,
            error: input.error(&key),
            key,
        };
        match &requirement.rule {
            ProofRule::Photo { min, .. } => {
                field.count = *min;
                field.accept = "image/*".into();
            }
            ProofRule::File { types } => {
                field.accept = types.iter().map(|t| accept_entry(t)).collect::<Vec<_>>().join(",");
            }
            ProofRule::Number { unit, min, max } => {
                field.unit = unit.clone();
                field.min = min.map(|v| v.to_string());
                field.max = max.map(|v| v.to_string());
            }
            ProofRule::Checklist { items } => {
                let ticked: Vec<&str> = input.all(&format!("{}[]", field.key)).collect();
                field.items = items.iter().map(|i| (i.clone(), ticked.contains(&i.as_str()))).collect();
            }
            ProofRule::Signature { attestation } => {
                field.attestation =
                    attestation.clone().unwrap_or_else(|| "I confirm this was done as the SOP describes.".into());
                field.value = input.first(&format!("{}.name", field.key)).unwrap_or_default().to_string();
                field.attested = input.first(&format!("{}.attest", field.key)).is_some();
            }
            ProofRule::Text { .. } | ProofRule::Link | ProofRule::Approval { .. } => {}
        }
        field
    }
}

/// A type as a file input's `accept` wants it: media types as they are, bare extensions
/// with a dot.
fn accept_entry(t: &str) -> String {
    let t = t.trim();
    if t.contains('/') || t.starts_with('.') { t.to_string() } else { format!(".{t}") }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn form_parts_become_the_values_the_engine_checks() {
        let input = ProofInput {
            texts: vec![
                ("temp".into(), "3,5".into()),
                ("checklist[]".into(), "Lights off".into()),
                ("checklist[]".into(), "Door locked".into()),
                ("signature.name".into(), "Ben".into()),
                ("signature.attest".into(), "on".into()),
                ("note".into(), "   ".into()),
            ],
            ..ProofInput::default()
        };
        assert_eq!(
            Value::Object(input.values()),
            json!({
                "temp": "3,5",
                "checklist": ["Lights off", "Door locked"],
                "signature": {"name": "Ben", "attest": "on"},
            })
        );
    }

    #[test]
    fn file_types_become_an_accept_list() {
        assert_eq!(accept_entry("pdf"), ".pdf");
        assert_eq!(accept_entry("application/pdf"), "application/pdf");
        assert_eq!(accept_entry(".csv"), ".csv");
    }
}
