//! Organizers: the people who run events.

use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Everything, including managing organizers.
    Admin,
    /// The events they own or were added to.
    Organizer,
}

impl Role {
    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Organizer => "organizer",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "admin" => Some(Role::Admin),
            "organizer" => Some(Role::Organizer),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organizer {
    pub id: Uuid,
    pub email: String,
    pub name: String,
    pub role: Role,
    /// Emailed when someone cancels a registration to their events.
    pub notify_on_cancel: bool,
    /// Emailed when one of their events fills up.
    pub notify_when_full: bool,
}
