//! Input checks that run before any request is sent.

use crate::error::{Error, Result};

/// An id travels in a query string or path: it must be non-empty and free of
/// whitespace and URL syntax.
pub fn id(field: &str, value: &str) -> Result<()> {
    if value.trim().is_empty() {
        return Err(Error::invalid(format!("{field} must not be empty")));
    }
    if value.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '/' | '?' | '&' | '#' | '%')) {
        return Err(Error::invalid(format!("{field} {value:?} is not a valid id")));
    }
    Ok(())
}

/// A pragmatic e-mail check: one `@`, non-empty local part, a dotted domain.
pub fn email(field: &str, value: &str) -> Result<()> {
    let ok = match value.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !value.chars().any(char::is_whitespace)
        }
        None => false,
    };
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(format!("{field} {value:?} is not a valid e-mail address")))
    }
}

/// A domain name: labels of letters, digits and hyphens, at least one dot.
pub fn domain(field: &str, value: &str) -> Result<()> {
    let v = value.trim_end_matches('.');
    let ok = v.len() <= 253
        && v.contains('.')
        && v.split('.').all(|l| {
            !l.is_empty() && l.len() <= 63 && !l.starts_with('-') && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(format!("{field} {value:?} is not a valid domain name")))
    }
}

/// [`id`] for every element of a list.
pub fn ids(field: &str, values: &[String]) -> Result<()> {
    values.iter().try_for_each(|v| id(field, v))
}

/// [`domain`] for every element of a list.
pub fn domains(field: &str, values: &[String]) -> Result<()> {
    values.iter().try_for_each(|v| domain(field, v))
}

pub fn non_empty(field: &str, value: &str) -> Result<()> {
    if value.trim().is_empty() {
        Err(Error::invalid(format!("{field} must not be empty")))
    } else {
        Ok(())
    }
}

pub fn non_empty_list<T>(field: &str, v: &[T]) -> Result<()> {
    if v.is_empty() {
        Err(Error::invalid(format!("{field} must not be empty")))
    } else {
        Ok(())
    }
}

/// Exactly one of two optional fields.
pub fn exactly_one<A, B>(a: (&str, &Option<A>), b: (&str, &Option<B>)) -> Result<()> {
    match (a.1.is_some(), b.1.is_some()) {
        (true, false) | (false, true) => Ok(()),
        (true, true) => Err(Error::invalid(format!("{} and {} are mutually exclusive: send only one", a.0, b.0))),
        (false, false) => Err(Error::invalid(format!("one of {} or {} is required", a.0, b.0))),
    }
}

pub fn page_params(page: Option<u32>, limit: Option<u32>) -> Result<()> {
    if page == Some(0) {
        return Err(Error::invalid("page starts at 1"));
    }
    if let Some(l) = limit {
        if l == 0 || l > 100 {
            return Err(Error::invalid("limit must be between 1 and 100"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn checks() {
        assert!(id("userId", "4CZNXJNXEEMECTH5Q65AXCB8QE78").is_ok());
        assert!(id("userId", "").is_err());
        assert!(id("userId", "a b").is_err());
        assert!(id("userId", "a&b=c").is_err());
        assert!(email("email", "a@b.co").is_ok());
        assert!(email("email", "a@b").is_err());
        assert!(email("email", "ab.co").is_err());
        assert!(domain("domain", "acme.com").is_ok());
        assert!(domain("domain", "-acme.com").is_err());
        assert!(domain("domain", "acme").is_err());
        assert!(exactly_one(("a", &Some(1)), ("b", &None::<u8>)).is_ok());
        assert!(exactly_one(("a", &Some(1)), ("b", &Some(2))).is_err());
        assert!(exactly_one(("a", &None::<u8>), ("b", &None::<u8>)).is_err());
    }
}
