//! What a certificate of attendance (attestation de présence) says, and
//! the trainer's signature of a slot: values read back from attendance, no
//! I/O.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};

use super::{Event, Registration, Slot};

/// A person's certificate: who, what, and the slots they attended (at the
/// door or by signature), in order.
#[derive(Debug, Clone)]
pub struct Certificate {
    /// Public and unguessable: the address `/verify/{id}` confirms it.
    pub id: String,
    pub event: Event,
    pub registration: Registration,
    pub attended: Vec<Slot>,
}

impl Certificate {
    /// The certificate of `registration` at `event`, from when they were
    /// present at each slot id (`present`); `None` without an attended slot
    /// of the event as it now stands. A check-in from before slots existed
    /// (`legacy`) counts for the slot of its time.
    pub fn new(
        id: String,
        event: Event,
        registration: Registration,
        present: &HashMap<String, DateTime<Utc>>,
        legacy: Option<DateTime<Utc>>,
    ) -> Option<Self> {
        let slots = event.slots();
        let legacy = legacy.filter(|_| present.is_empty()).and_then(|at| Slot::at(&slots, at)).map(Slot::id);
        let attended: Vec<Slot> = slots
            .iter()
            .filter(|slot| present.contains_key(&slot.id()) || legacy.as_ref() == Some(&slot.id()))
            .cloned()
            .collect();
        if attended.is_empty() {
            return None;
        }
        Some(Self { id, event, registration, attended })
    }

    /// The time the attended slots add up to.
    pub fn duration(&self) -> Duration {
        self.attended.iter().map(Slot::duration).fold(Duration::zero(), |sum, d| sum + d)
    }
}

/// A trainer's signature for one slot of an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrainerSignature {
    pub slot: String,
    /// As the trainer typed it.
    pub name: String,
    pub signed_at: DateTime<Utc>,
    /// The organizer account signed in when it was given (its name or
    /// email), if the account still exists.
    pub by: Option<String>,
}

/// What signing a slot as its trainer led to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrainerSigned {
    Signed(TrainerSignature),
    /// Signed before: the first signature stands.
    Already(TrainerSignature),
}
