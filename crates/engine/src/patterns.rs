//! What an owner does with a pattern: acknowledge it with a note of what is being done,
//! resolve it, or open it again.

use crate::{Actor, Engine, EngineError};
use proofline_store::{PatternDecision, PatternRecord, PatternState};

impl Engine {
    /// Sets a pattern's state; acknowledging or resolving says why, in the owner's words.
    pub async fn decide_pattern(
        &self,
        actor: Actor,
        id: i64,
        state: PatternState,
        note: &str,
    ) -> Result<PatternRecord, EngineError> {
        if !actor.access.can_manage() {
            return Err(EngineError::Forbidden("only managers and owners can acknowledge or resolve patterns".into()));
        }
        let note = note.trim();
        if note.chars().count() > 2_000 {
            return Err(EngineError::invalid("note", "keep the note under 2000 characters"));
        }
        if state != PatternState::Open && note.is_empty() {
            let what = if state == PatternState::Resolved { "what fixed it" } else { "what is being done about it" };
            return Err(EngineError::invalid("note", format!("say {what}")));
        }
        // Looked up first so that another organization's id is simply not found.
        self.store.get_pattern(actor.org, id).await?;
        let decision = PatternDecision {
            org: actor.org,
            pattern: id,
            state,
            note: note.to_string(),
            by: actor.person,
            now: self.now(),
        };
        Ok(self.store.decide_pattern(&decision).await?)
    }
}
