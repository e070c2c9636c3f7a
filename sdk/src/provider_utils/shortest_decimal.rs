//! Sampling settings as the user wrote them.
//!
//! Call options hold `f32`; the generated request types hold `f64`. Widening with `f64::from`
//! sends `0.7` as `0.699999988079071`, which providers accept but which is not what the user
//! wrote and differs from what every other client sends. Every provider converts through here.

/// The `f64` whose shortest decimal is the shortest decimal of `value` (0.7 -> 0.7).
pub fn shortest_decimal(value: f32) -> f64 {
    // `f32`'s Display is the shortest decimal that reads back as the same `f32`.
    value.to_string().parse().unwrap_or(f64::from(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_written_decimal() {
        assert_eq!(shortest_decimal(0.7).to_string(), "0.7");
        assert_eq!(serde_json::to_string(&shortest_decimal(0.1)).unwrap(), "0.1");
        assert_eq!(shortest_decimal(1.0), 1.0);
        assert!(shortest_decimal(f32::NAN).is_nan());
    }
}
