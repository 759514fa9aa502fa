//! Nearest-rank percentiles, the definition a spreadsheet user can check by hand.
//!
//! The p-th percentile of n values is the value at rank ⌈p·n/100⌉ (1-based) of the sorted
//! list, so it is always one of the values, never an interpolation. The median is p = 50,
//! which for an even count is the lower of the two middle values.

/// The value at nearest rank for `percent` (clamped to 1..=100), or `None` for no values.
///
/// Reorders `values` (a selection, not a full sort: linear time on average).
pub fn nearest_rank<T: Ord + Copy>(values: &mut [T], percent: u8) -> Option<T> {
    let index = rank_index(values.len(), percent)?;
    Some(*values.select_nth_unstable(index).1)
}

/// Median and p90 by nearest rank in one go, or `None` for no values.
///
/// Reorders `values`; the second selection only looks at the part above the median.
pub fn median_p90<T: Ord + Copy>(values: &mut [T]) -> Option<(T, T)> {
    let mid = rank_index(values.len(), 50)?;
    let high = rank_index(values.len(), 90)?;
    let (_, median, above) = values.select_nth_unstable(mid);
    let median = *median;
    // p90's rank is never below the median's, so it lies in `above` unless they coincide.
    let p90 = if high == mid { median } else { *above.select_nth_unstable(high - mid - 1).1 };
    Some((median, p90))
}

fn rank_index(len: usize, percent: u8) -> Option<usize> {
    if len == 0 {
        return None;
    }
    let percent = usize::from(percent.clamp(1, 100));
    // ⌈p·n/100⌉ in integers; never below rank 1.
    let rank = (percent * len).div_ceil(100).max(1);
    Some(rank - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_count_is_the_middle_value() {
        assert_eq!(nearest_rank(&mut [7, 1, 5, 3, 9], 50), Some(5));
    }

    #[test]
    fn median_of_even_count_is_the_lower_middle_value() {
        assert_eq!(nearest_rank(&mut [40, 10, 30, 20], 50), Some(20));
    }

    #[test]
    fn p90_of_ten_values_is_the_ninth() {
        let mut values: Vec<i64> = (1..=10).rev().map(|v| v * 10).collect();
        assert_eq!(nearest_rank(&mut values, 90), Some(90));
        assert_eq!(median_p90(&mut values), Some((50, 90)));
    }

    #[test]
    fn p90_of_eleven_values_is_the_tenth() {
        let mut values: Vec<i64> = vec![11, 3, 7, 1, 9, 2, 10, 4, 8, 6, 5];
        assert_eq!(median_p90(&mut values), Some((6, 10)));
    }

    #[test]
    fn one_value_is_its_own_median_and_p90() {
        assert_eq!(median_p90(&mut [42]), Some((42, 42)));
        assert_eq!(median_p90(&mut [2, 1]), Some((1, 2)));
    }

    #[test]
    fn no_values_have_no_percentiles() {
        assert_eq!(median_p90::<i64>(&mut []), None);
        assert_eq!(nearest_rank::<i64>(&mut [], 50), None);
    }

    #[test]
    fn p100_is_the_maximum_and_p0_clamps_to_the_minimum() {
        assert_eq!(nearest_rank(&mut [3, 9, 1], 100), Some(9));
        assert_eq!(nearest_rank(&mut [3, 9, 1], 0), Some(1));
    }
}
