//! Operators (操作员): 00 is the supervisor who holds the void password, 01–98 are
//! cashiers, 99 is the system administrator, who sets the terminal up but never
//! transacts.

pub mod accounts;

use crate::error::{invalid, Field, Problem, Result};
use crate::text;

pub const SUPERVISOR: &str = "00";
pub const SYSTEM_ADMIN: &str = "99";

/// The role an operator number belongs to: 00 and 99 are fixed, the rest cashiers.
pub fn role_of(operator_no: &str) -> accounts::Role {
    match operator_no {
        SUPERVISOR => accounts::Role::Supervisor,
        SYSTEM_ADMIN => accounts::Role::Administrator,
        _ => accounts::Role::Cashier,
    }
}

/// Two digits, full-width accepted.
pub fn parse(field: Field, input: &str) -> Result<String> {
    text::fixed_digits(field, input, 2)
}

/// The reason must be one of the configured codes.
pub fn parse_reason(input: &str, allowed: &[String]) -> Result<String> {
    let reason = text::required(Field::VoidReason, input, 64)?;
    if allowed.contains(&reason) {
        Ok(reason)
    } else {
        Err(invalid(Field::VoidReason, Problem::NotAllowed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operator_numbers_are_two_digits() {
        assert_eq!(parse(Field::OperatorNo, "０１").unwrap(), "01");
        assert!(parse(Field::OperatorNo, "1").is_err());
    }

    #[test]
    fn reasons_come_from_the_list() {
        let list = vec!["customer_request".to_string()];
        assert!(parse_reason("customer_request", &list).is_ok());
        assert!(parse_reason("whim", &list).is_err());
    }
}
