//! Operators (操作员): 00 is the supervisor who holds the void password, 01–98 are
//! cashiers, 99 is the system administrator, who sets the terminal up but never
//! transacts.

pub mod accounts;

use crate::error::{invalid, Field, Problem, Result, VoidGuardError};
use crate::text;

pub const SUPERVISOR: &str = "00";
pub const SYSTEM_ADMIN: &str = "99";

/// Two digits, full-width accepted.
pub fn parse(field: Field, input: &str) -> Result<String> {
    text::fixed_digits(field, input, 2)
}

/// Someone who may key a sale or a void: 00–98.
pub fn parse_transacting(field: Field, input: &str) -> Result<String> {
    let op = parse(field, input)?;
    if op == SYSTEM_ADMIN {
        return Err(invalid(field, Problem::NotAllowed));
    }
    Ok(op)
}

/// Separation of duties: a cashier may not authorise their own void; only the
/// supervisor may key and authorise alike.
pub fn check_authoriser(keyed_by: &str, authorised_by: &str) -> Result<()> {
    if keyed_by == authorised_by && keyed_by != SUPERVISOR {
        return Err(VoidGuardError::SelfAuthorisation {
            operator_no: keyed_by.to_owned(),
        }
        .into());
    }
    Ok(())
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
    fn system_admin_does_not_transact() {
        assert!(parse_transacting(Field::OperatorNo, "99").is_err());
        assert_eq!(parse_transacting(Field::OperatorNo, "０１").unwrap(), "01");
        assert!(parse(Field::OperatorNo, "1").is_err());
    }

    #[test]
    fn cashier_cannot_authorise_own_void_but_supervisor_can() {
        assert!(check_authoriser("03", "03").is_err());
        assert!(check_authoriser("03", "00").is_ok());
        assert!(check_authoriser("00", "00").is_ok());
    }

    #[test]
    fn reasons_come_from_the_list() {
        let list = vec!["customer_request".to_string()];
        assert!(parse_reason("customer_request", &list).is_ok());
        assert!(parse_reason("whim", &list).is_err());
    }
}
