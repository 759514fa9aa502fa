//! What a person may do in their organization.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    /// Read-only: sees everything, changes nothing.
    Auditor,
    /// Does the work assigned to them.
    #[default]
    Member,
    /// Also manages people, roles, systems and processes.
    Manager,
    /// Also owns the organization.
    Owner,
}

impl Access {
    pub fn as_str(self) -> &'static str {
        match self {
            Access::Auditor => "auditor",
            Access::Member => "member",
            Access::Manager => "manager",
            Access::Owner => "owner",
        }
    }

    pub fn parse(text: &str) -> Option<Access> {
        [Access::Auditor, Access::Member, Access::Manager, Access::Owner].into_iter().find(|a| a.as_str() == text)
    }

    pub fn can_manage(self) -> bool {
        matches!(self, Access::Manager | Access::Owner)
    }

    pub fn can_work(self) -> bool {
        self != Access::Auditor
    }

    /// Sees how the organization performs: patterns that name people, and their figures.
    pub fn can_oversee(self) -> bool {
        self != Access::Member
    }
}
