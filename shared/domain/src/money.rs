//! Money: integer minor units of an ISO 4217 currency. No floats anywhere near money.
//!
//! # The rounding rule
//! Every amount a customer sees is rounded exactly once, to the currency's minor unit, half away
//! from zero: a line's extended amount (quantity x unit price), the tax (rate x taxable
//! subtotal), a percentage deposit (percent x total). Sums are sums of those rounded amounts,
//! so every printed column adds up.
use rust_decimal::{Decimal, RoundingStrategy};

use crate::DomainError;

/// A three-letter ISO 4217 code, upper case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(try_from = "String", into = "String")]
#[schema(value_type = String, pattern = "^[A-Z]{3}$", example = "USD")]
pub struct Currency(String);

impl Currency {
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// Digits after the decimal point for this currency's minor unit.
    pub fn exponent(&self) -> u32 {
        match self.0.as_str() {
            "JPY" | "KRW" | "VND" | "CLP" | "ISK" | "UGX" | "XAF" | "XOF" => 0,
            "BHD" | "KWD" | "OMR" | "JOD" | "TND" => 3,
            _ => 2,
        }
    }
    pub fn usd() -> Self {
        Self("USD".into())
    }
    /// Formats minor units for people: `1234567` USD -> `$12,345.67`.
    pub fn format(&self, minor: i64) -> String {
        let exp = self.exponent();
        let neg = minor < 0;
        let abs = minor.unsigned_abs();
        let scale = 10u64.pow(exp);
        let (whole, frac) = (abs / scale, abs % scale);
        let digits = whole.to_string();
        let mut grouped = String::new();
        for (i, ch) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(ch);
        }
        let symbol = match self.0.as_str() {
            "USD" | "CAD" | "AUD" | "NZD" => "$",
            "EUR" => "€",
            "GBP" => "£",
            _ => "",
        };
        let code = if symbol.is_empty() { format!(" {}", self.0) } else { String::new() };
        let sign = if neg { "-" } else { "" };
        if exp == 0 {
            format!("{sign}{symbol}{grouped}{code}")
        } else {
            format!("{sign}{symbol}{grouped}.{frac:0width$}{code}", width = exp as usize)
        }
    }
}

impl TryFrom<String> for Currency {
    type Error = DomainError;
    fn try_from(s: String) -> Result<Self, DomainError> {
        if s.len() == 3 && s.bytes().all(|b| b.is_ascii_uppercase()) {
            Ok(Self(s))
        } else {
            Err(DomainError::invalid("currency", "must be a three-letter ISO 4217 code such as USD"))
        }
    }
}

impl From<Currency> for String {
    fn from(c: Currency) -> String {
        c.0
    }
}

/// The most any line or document may come to: 10^13 minor units (100 billion dollars). Far
/// above any real job, and low enough that no sum of a document's amounts can overflow an `i64`,
/// nor a browser's exact integers (2^53). Money past it is refused at the edge, field by field.
pub const MAX_AMOUNT: i64 = 10_000_000_000_000;

/// Adds amounts of money; `None` if the sum would overflow (never wraps, never saturates).
pub fn sum(amounts: impl IntoIterator<Item = i64>) -> Option<i64> {
    amounts.into_iter().try_fold(0i64, i64::checked_add)
}

/// Rounds a decimal amount of minor units to a whole minor unit, half away from zero.
/// `None` if it does not fit in an `i64` (far beyond any real invoice).
pub fn round_minor(amount: Decimal) -> Option<i64> {
    use rust_decimal::prelude::ToPrimitive;
    amount.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero).to_i64()
}

/// `percent` % of `minor`, rounded by the rule above.
pub fn percent_of(minor: i64, percent: Decimal) -> Option<i64> {
    round_minor(Decimal::from(minor).checked_mul(percent)?.checked_div(Decimal::ONE_HUNDRED)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_for_people() {
        assert_eq!(Currency::usd().format(1_234_567), "$12,345.67");
        assert_eq!(Currency::usd().format(5), "$0.05");
        assert_eq!(Currency::usd().format(-250), "-$2.50");
        assert_eq!(Currency::try_from("JPY".to_string()).map(|c| c.format(1200)).ok(), Some("1,200 JPY".into()));
    }

    #[test]
    fn rounds_half_away_from_zero() {
        assert_eq!(round_minor(Decimal::new(25, 1)), Some(3));
        assert_eq!(round_minor(Decimal::new(-25, 1)), Some(-3));
        assert_eq!(round_minor(Decimal::new(24, 1)), Some(2));
        assert_eq!(percent_of(999, Decimal::new(8875, 3)), Some(89)); // 88.66 -> 89
    }

    #[test]
    fn currency_codes_are_checked() {
        assert!(Currency::try_from("usd".to_string()).is_err());
        assert!(Currency::try_from("US".to_string()).is_err());
    }
}
