//! The history of organizer actions: entries written in the transaction of
//! the change they describe, read back with the names they refer to.
//! Written once for both backends over `Sql`.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::StoreResult;
use super::rows;
use super::statement::{Sql, Statement};
use crate::domain::{AuditLine, NewAudit};

const INSERT: &str = "INSERT INTO audit_log (id, organizer_id, event_id, action, detail, at, via, params, \
     registration_id, subject_organizer_id) VALUES ($1, $2, $3, $4, '', $5, $6, $7, $8, $9)";
/// The entries, newest first, with who acted and whom they are about.
macro_rules! audit_lines {
    ($where:literal) => {
        concat!(
            "SELECT a.at, a.action, a.detail, a.via, a.params, o.email AS actor_email, \
             e.title AS event_title, r.name AS person, s.email AS subject_email \
             FROM audit_log a LEFT JOIN organizers o ON o.id = a.organizer_id \
             LEFT JOIN events e ON e.id = a.event_id \
             LEFT JOIN registrations r ON r.id = a.registration_id \
             LEFT JOIN organizers s ON s.id = a.subject_organizer_id ",
            $where,
            " ORDER BY a.at DESC, a.id DESC LIMIT 200"
        )
    };
}
const OF_EVENT: &str = audit_lines!("WHERE a.event_id = $1");
const RECENT: &str = audit_lines!("");

pub async fn record(conn: &mut impl Sql, audit: &NewAudit, now: DateTime<Utc>) -> StoreResult<()> {
    let params = serde_json::to_string(&audit.entry).map_err(|e| super::StoreError::Corrupt(e.to_string()))?;
    let insert = Statement::new(INSERT)
        .bind(Uuid::now_v7())
        .bind(audit.actor)
        .bind(audit.event)
        .bind(audit.entry.code())
        .bind(now)
        .bind(audit.via.code())
        .bind(params)
        .bind(audit.registration)
        .bind(audit.organizer);
    conn.execute(insert).await?;
    Ok(())
}

/// The latest actions on an event.
pub async fn of_event(conn: &mut impl Sql, event: Uuid) -> StoreResult<Vec<AuditLine>> {
    conn.fetch_all(Statement::new(OF_EVENT).bind(event), rows::audit_line).await
}

/// The latest actions on any event or account.
pub async fn recent(conn: &mut impl Sql) -> StoreResult<Vec<AuditLine>> {
    conn.fetch_all(Statement::new(RECENT), rows::audit_line).await
}
