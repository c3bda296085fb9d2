//! One statement, whatever runs it: SQL text and the values bound to it,
//! and rows read back by column name.
//!
//! The store's shared code builds `Statement`s and reads rows through
//! `Columns`; it never names a backend. Each way of running SQL implements
//! the two small traits here once: sqlx's SQLite and PostgreSQL connections
//! (`Sql`, below) and the SQLite writer's borrowed rusqlite handle
//! (`sqlite::handle`). Values carry their type even when null, because
//! PostgreSQL types a parameter from what is bound to it.

use std::borrow::Cow;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{StoreError, StoreResult};

/// A value bound to a statement's parameter.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Uuid(Option<Uuid>),
    Text(Option<String>),
    Int(Option<i64>),
    Bool(Option<bool>),
    Time(Option<DateTime<Utc>>),
    Bytes(Option<Vec<u8>>),
}

/// The type of a column to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Uuid,
    Text,
    Int,
    Bool,
    Time,
    Bytes,
}

macro_rules! value_from {
    ($($type:ty => $variant:ident $(via $convert:expr)?),* $(,)?) => {$(
        impl From<$type> for Value {
            fn from(value: $type) -> Self {
                Value::$variant(Some(value).map($($convert)?))
            }
        }
        impl From<Option<$type>> for Value {
            fn from(value: Option<$type>) -> Self {
                Value::$variant(value.map($($convert)?))
            }
        }
    )*};
}

fn same<T>(value: T) -> T {
    value
}

value_from! {
    Uuid => Uuid via same,
    String => Text via same,
    &str => Text via str::to_owned,
    i64 => Int via same,
    bool => Bool via same,
    DateTime<Utc> => Time via same,
    &[u8] => Bytes via <[u8]>::to_vec,
}

/// SQL text with its values, in the order of `$1`, `$2`…
#[derive(Debug, Clone)]
pub struct Statement {
    pub sql: Cow<'static, str>,
    pub values: Vec<Value>,
    /// Rows of its longest multi-row part (`push_rows`, `push_list`): its
    /// text changes with them, so each size is a statement of its own.
    pub rows: usize,
}

impl Statement {
    pub fn new(sql: &'static str) -> Self {
        Self { sql: Cow::Borrowed(sql), values: Vec::new(), rows: 0 }
    }

    /// Whether to keep it prepared on a connection that keeps statements
    /// of up to `kept_rows` rows: beyond, it is prepared for one use only,
    /// so that hundreds of sizes do not crowd out the fixed statements.
    pub fn kept(&self, kept_rows: usize) -> bool {
        self.rows <= kept_rows
    }

    pub fn bind(mut self, value: impl Into<Value>) -> Self {
        self.values.push(value.into());
        self
    }

    /// Appends `(…), (…)`, a row of placeholders per row of `rows`
    /// numbered after the values bound so far, then `suffix`: a multi-row
    /// `VALUES`.
    pub fn push_rows(mut self, rows: Vec<Vec<Value>>, suffix: &str) -> Self {
        let count = rows.len();
        let mut sql = self.sql.into_owned();
        for (i, row) in rows.into_iter().enumerate() {
            sql.push_str(if i > 0 { ", (" } else { "(" });
            for (j, value) in row.into_iter().enumerate() {
                if j > 0 {
                    sql.push_str(", ");
                }
                self.values.push(value);
                sql.push('$');
                sql.push_str(&self.values.len().to_string());
            }
            sql.push(')');
        }
        sql.push_str(suffix);
        self.sql = Cow::Owned(sql);
        self.rows = self.rows.max(count);
        self
    }

    /// Appends `$n, $n+1…`, one placeholder for each of `values` numbered
    /// after the values bound so far, then `suffix`: an `IN (…)` list whose
    /// opening parenthesis the statement ends with.
    pub fn push_list(mut self, values: Vec<Value>, suffix: &str) -> Self {
        let count = values.len();
        let mut sql = self.sql.into_owned();
        for (i, value) in values.into_iter().enumerate() {
            if i > 0 {
                sql.push_str(", ");
            }
            self.values.push(value);
            sql.push('$');
            sql.push_str(&self.values.len().to_string());
        }
        sql.push_str(suffix);
        self.sql = Cow::Owned(sql);
        self.rows = self.rows.max(count);
        self
    }
}

/// A row, read by column name.
pub trait Columns {
    /// The column's value, read as `kind`.
    fn value(&self, column: &str, kind: Kind) -> StoreResult<Value>;
}

/// A Rust type a column can be read as.
pub trait FromValue: Sized {
    const KIND: Kind;
    /// `None` when the column is null and the type does not take null.
    fn from_value(value: Value) -> Option<Self>;
}

macro_rules! from_value {
    ($($type:ty => $variant:ident),* $(,)?) => {$(
        impl FromValue for $type {
            const KIND: Kind = Kind::$variant;
            fn from_value(value: Value) -> Option<Self> {
                match value {
                    Value::$variant(value) => value,
                    _ => None,
                }
            }
        }
        impl FromValue for Option<$type> {
            const KIND: Kind = Kind::$variant;
            fn from_value(value: Value) -> Option<Self> {
                match value {
                    Value::$variant(value) => Some(value),
                    _ => None,
                }
            }
        }
    )*};
}

from_value! {
    Uuid => Uuid,
    String => Text,
    i64 => Int,
    bool => Bool,
    DateTime<Utc> => Time,
    Vec<u8> => Bytes,
}

impl dyn Columns + '_ {
    /// The column `column`, as a `T`.
    pub fn get<T: FromValue>(&self, column: &str) -> StoreResult<T> {
        T::from_value(self.value(column, T::KIND)?)
            .ok_or_else(|| StoreError::Corrupt(format!("column {column} is null or of the wrong type")))
    }
}

/// Turns a row into a value of the caller's.
pub type Decoder<T> = fn(&dyn Columns) -> StoreResult<T>;

/// The SQL dialect a connection speaks, for the few statements that differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// A connection the shared store code runs statements on: sqlx's SQLite
/// and PostgreSQL connections, pooled or inside a transaction.
pub trait Sql: Send {
    fn dialect(&self) -> Dialect;

    /// Runs the statement; returns how many rows it changed.
    fn execute(&mut self, statement: Statement) -> impl Future<Output = StoreResult<u64>> + Send;

    fn fetch_all<T: Send>(
        &mut self,
        statement: Statement,
        read: Decoder<T>,
    ) -> impl Future<Output = StoreResult<Vec<T>>> + Send;

    fn fetch_optional<T: Send>(
        &mut self,
        statement: Statement,
        read: Decoder<T>,
    ) -> impl Future<Output = StoreResult<Option<T>>> + Send;

    /// The one row the statement returns.
    fn fetch_one<T: Send>(
        &mut self,
        statement: Statement,
        read: Decoder<T>,
    ) -> impl Future<Output = StoreResult<T>> + Send {
        async move {
            let sql = statement.sql.clone();
            self.fetch_optional(statement, read)
                .await?
                .ok_or_else(|| StoreError::Corrupt(format!("no row returned by {sql}")))
        }
    }
}

/// How a sqlx backend is told apart: its dialect, and how many rows a
/// statement changed (sqlx has no trait for it).
pub trait SqlxBackend: sqlx::Database + sqlx::database::HasStatementCache {
    const DIALECT: Dialect;
    /// Multi-row statements kept prepared up to this many rows (see
    /// `Statement::kept`).
    const KEPT_ROWS: usize;
    fn rows_affected(result: &Self::QueryResult) -> u64;
}

impl SqlxBackend for sqlx::Sqlite {
    const DIALECT: Dialect = Dialect::Sqlite;
    const KEPT_ROWS: usize = 8;
    fn rows_affected(result: &sqlx::sqlite::SqliteQueryResult) -> u64 {
        result.rows_affected()
    }
}

impl SqlxBackend for sqlx::Postgres {
    const DIALECT: Dialect = Dialect::Postgres;
    /// The group commit's statements have as many rows as a group has
    /// sign-ups, 10 to 30 at c=64. Prepared once instead of parsed and
    /// planned at each group, they took c=64 from 4,454–4,732/s to
    /// 5,732–5,985/s (BENCHMARKS.md, issue 19). Connections cache enough
    /// statements for it (`postgres::STATEMENT_CACHE`).
    const KEPT_ROWS: usize = 64;
    fn rows_affected(result: &sqlx::postgres::PgQueryResult) -> u64 {
        result.rows_affected()
    }
}

/// Every sqlx connection whose database takes and gives back the types of
/// `Value`: the bounds are stated here once, so that the shared code needs
/// none.
impl<C> Sql for C
where
    C: sqlx::Connection + Send,
    C::Database: SqlxBackend,
    for<'c> &'c mut C: sqlx::Executor<'c, Database = C::Database>,
    for<'q> <C::Database as sqlx::Database>::Arguments<'q>: sqlx::IntoArguments<'q, C::Database>,
    for<'q> Option<Uuid>: sqlx::Encode<'q, C::Database> + sqlx::Type<C::Database>,
    for<'q> Option<&'q str>: sqlx::Encode<'q, C::Database> + sqlx::Type<C::Database>,
    for<'q> Option<i64>: sqlx::Encode<'q, C::Database> + sqlx::Type<C::Database>,
    for<'q> Option<bool>: sqlx::Encode<'q, C::Database> + sqlx::Type<C::Database>,
    for<'q> Option<DateTime<Utc>>: sqlx::Encode<'q, C::Database> + sqlx::Type<C::Database>,
    for<'q> Option<&'q [u8]>: sqlx::Encode<'q, C::Database> + sqlx::Type<C::Database>,
    <C::Database as sqlx::Database>::Row: Columns,
{
    fn dialect(&self) -> Dialect {
        <C::Database as SqlxBackend>::DIALECT
    }

    async fn execute(&mut self, statement: Statement) -> StoreResult<u64> {
        let result = bound::<C::Database>(&statement).execute(self).await?;
        Ok(<C::Database as SqlxBackend>::rows_affected(&result))
    }

    async fn fetch_all<T: Send>(&mut self, statement: Statement, read: Decoder<T>) -> StoreResult<Vec<T>> {
        let rows = bound::<C::Database>(&statement).fetch_all(self).await?;
        rows.iter().map(|row| read(row)).collect()
    }

    async fn fetch_optional<T: Send>(&mut self, statement: Statement, read: Decoder<T>) -> StoreResult<Option<T>> {
        let row = bound::<C::Database>(&statement).fetch_optional(self).await?;
        row.as_ref().map(|row| read(row)).transpose()
    }
}

/// The statement as a sqlx query with its values bound.
fn bound<'q, DB>(statement: &'q Statement) -> sqlx::query::Query<'q, DB, DB::Arguments<'q>>
where
    DB: SqlxBackend,
    Option<Uuid>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    Option<&'q str>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    Option<i64>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    Option<bool>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    Option<DateTime<Utc>>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    Option<&'q [u8]>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    let mut query = sqlx::query(&statement.sql).persistent(statement.kept(DB::KEPT_ROWS));
    for value in &statement.values {
        query = match value {
            Value::Uuid(v) => query.bind(*v),
            Value::Text(v) => query.bind(v.as_deref()),
            Value::Int(v) => query.bind(*v),
            Value::Bool(v) => query.bind(*v),
            Value::Time(v) => query.bind(*v),
            Value::Bytes(v) => query.bind(v.as_deref()),
        };
    }
    query
}

/// Reads a sqlx row's column as `kind`; the row types of both backends
/// use it.
fn sqlx_value<R>(row: &R, column: &str, kind: Kind) -> StoreResult<Value>
where
    R: sqlx::Row,
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    for<'r> Option<Uuid>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<i64>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<bool>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<DateTime<Utc>>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<Vec<u8>>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    Ok(match kind {
        Kind::Uuid => Value::Uuid(row.try_get(column)?),
        Kind::Text => Value::Text(row.try_get(column)?),
        Kind::Int => Value::Int(row.try_get(column)?),
        Kind::Bool => Value::Bool(row.try_get(column)?),
        Kind::Time => Value::Time(row.try_get(column)?),
        Kind::Bytes => Value::Bytes(row.try_get(column)?),
    })
}

impl Columns for sqlx::sqlite::SqliteRow {
    fn value(&self, column: &str, kind: Kind) -> StoreResult<Value> {
        sqlx_value(self, column, kind)
    }
}

impl Columns for sqlx::postgres::PgRow {
    fn value(&self, column: &str, kind: Kind) -> StoreResult<Value> {
        sqlx_value(self, column, kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_number_their_placeholders_in_order() {
        let rows = vec![vec![Value::from(1i64), Value::from("a")], vec![Value::from(2i64), Value::from("b")]];
        let statement = Statement::new("INSERT INTO t (n, s) VALUES ").push_rows(rows, " RETURNING n");
        assert_eq!(statement.sql, "INSERT INTO t (n, s) VALUES ($1, $2), ($3, $4) RETURNING n");
        assert_eq!(statement.values.len(), 4);
        let list =
            Statement::new("UPDATE t SET at = $1 WHERE x IN (").bind(0i64).push_list(vec![Value::from(1i64)], ")");
        assert_eq!(list.sql, "UPDATE t SET at = $1 WHERE x IN ($2)");
        let many = Statement::new("").push_list((0..9).map(Value::from).collect(), "");
        assert_eq!(many.rows, 9);
        assert!(many.kept(9) && !many.kept(8), "statements of many sizes are prepared for one use");
    }
}
