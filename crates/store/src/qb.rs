//! A query builder for both backends: `$1, $2, …` placeholders on PostgreSQL (sqlx's own builder
//! writes `?` for the `Any` driver, which PostgreSQL does not take), `?` on SQLite (where numbered
//! parameters cost a name lookup per bound value, quadratic in a multi-row insert).

use sqlx::any::{Any, AnyArguments};
use sqlx::{Arguments, Encode, Type};
use std::fmt::{Display, Write};

pub(crate) struct QueryBuilder {
    sql: String,
    args: AnyArguments,
    n: usize,
    numbered: bool,
}

impl QueryBuilder {
    pub fn new(backend: crate::Backend, sql: impl Into<String>) -> Self {
        Self { sql: sql.into(), args: AnyArguments::default(), n: 0, numbered: backend == crate::Backend::Postgres }
    }

    pub fn push(&mut self, s: impl Display) -> &mut Self {
        write!(self.sql, "{s}").expect("writing to a String");
        self
    }

    pub fn push_bind<'t, T: Encode<'t, Any> + Type<Any>>(&mut self, value: T) -> &mut Self {
        self.args.add(value).expect("encoding a bound value");
        self.n += 1;
        if self.numbered {
            write!(self.sql, "${}", self.n).expect("writing to a String");
        } else {
            self.sql.push('?');
        }
        self
    }

    /// `VALUES (…), (…)`: one parenthesized tuple per item, its values pushed by `row`.
    pub fn push_values<I: IntoIterator, F: FnMut(Separated<'_>, I::Item)>(&mut self, items: I, mut row: F) {
        self.push("VALUES ");
        for (i, item) in items.into_iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.push("(");
            row(Separated { qb: self, sep: ", ", first: true }, item);
            self.push(")");
        }
    }

    pub fn separated(&mut self, sep: &'static str) -> Separated<'_> {
        Separated { qb: self, sep, first: true }
    }

    pub fn build(self) -> sqlx::query::Query<'static, Any, AnyArguments> {
        sqlx::query_with(sqlx::AssertSqlSafe(self.sql), self.args)
    }

    pub fn build_query_scalar<O>(self) -> sqlx::query::QueryScalar<'static, Any, O, AnyArguments>
    where
        (O,): for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow>,
    {
        sqlx::query_scalar_with(sqlx::AssertSqlSafe(self.sql), self.args)
    }
}

pub(crate) struct Separated<'b> {
    qb: &'b mut QueryBuilder,
    sep: &'static str,
    first: bool,
}

impl Separated<'_> {
    pub fn push_bind<'t, T: Encode<'t, Any> + Type<Any>>(&mut self, value: T) -> &mut Self {
        if !self.first {
            self.qb.push(self.sep);
        }
        self.first = false;
        self.qb.push_bind(value);
        self
    }

    pub fn push_unseparated(&mut self, s: impl Display) -> &mut Self {
        self.qb.push(s);
        self
    }
}

/// Splits `items` into slices whose lengths are powers of two no larger than `max` (largest
/// first), so that a multi-row statement's text takes one of a few shapes: each shape is parsed
/// once and then served from the connection's statement cache, instead of a new text (and a new
/// parse of a statement with hundreds of parameters) for every batch size.
pub(crate) fn pow2_chunks<T>(items: &[T], max: usize) -> impl Iterator<Item = &[T]> {
    debug_assert!(max.is_power_of_two());
    let mut rest = items;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let n = rest.len().min(max);
        let take = 1usize << (usize::BITS - 1 - n.leading_zeros());
        let (head, tail) = rest.split_at(take);
        rest = tail;
        Some(head)
    })
}

#[cfg(test)]
mod tests {
    use super::pow2_chunks;

    #[test]
    fn chunks_are_powers_of_two_in_order() {
        let items: Vec<u32> = (0..300).collect();
        let sizes: Vec<usize> = pow2_chunks(&items, 128).map(<[u32]>::len).collect();
        assert_eq!(sizes, vec![128, 128, 32, 8, 4]);
        let joined: Vec<u32> = pow2_chunks(&items, 128).flatten().copied().collect();
        assert_eq!(joined, items);
        assert_eq!(pow2_chunks(&items[..37], 128).map(<[u32]>::len).collect::<Vec<_>>(), vec![32, 4, 1]);
        assert_eq!(pow2_chunks::<u32>(&[], 128).count(), 0);
    }
}
