//! Remind: the holder of an open task hears "due soon" once per level, when the
//! organization's lead time before the deadline begins.

use crate::{Engine, EngineError};
use jiff::Timestamp;

impl Engine {
    /// Writes a due-soon notice for every task whose reminder instant has come.
    pub async fn remind_once(&self, now: Timestamp) -> Result<u64, EngineError> {
        let mut total = 0;
        loop {
            let due = self.store.due_reminders(now, self.config.batch).await?;
            if due.is_empty() {
                return Ok(total);
            }
            let tasks: Vec<_> = due.iter().map(|t| (t.id, t.rev)).collect();
            let reminded = self.store.remind(&tasks, now).await?;
            total += reminded;
            if (due.len() as u32) < self.config.batch || reminded == 0 {
                return Ok(total);
            }
        }
    }
}
