//! The statistics against numbers worked out independently (exact sums, textbook tables).

use crate::pattern::stats::*;

fn close(actual: f64, expected: f64, relative: f64) -> bool {
    (actual - expected).abs() <= relative * expected.abs().max(f64::MIN_POSITIVE)
}

/// P(X ≥ k) by summing the probability mass directly; fine for small n.
fn exact_upper_tail(k: u64, n: u64, p: f64) -> f64 {
    let mut term = (1.0 - p).powi(n as i32); // P(X = 0)
    let mut tail = 0.0;
    for x in 0..=n {
        if x >= k {
            tail += term;
        }
        term *= (n - x) as f64 / (x + 1) as f64 * p / (1.0 - p);
    }
    tail
}

#[test]
fn binomial_tail_matches_known_values() {
    // 6 or more misses of 8 at a 10% rate: 28·0.1⁶·0.9² + 8·0.1⁷·0.9 + 0.1⁸.
    assert!(close(binomial_upper_tail(6, 8, 0.1), 2.341e-5, 1e-9));
    // 8 or more heads of 10 fair coins: 56/1024.
    assert!(close(binomial_upper_tail(8, 10, 0.5), 56.0 / 1024.0, 1e-12));
    // 12 or more of 20 at 30% (exact rational sum).
    assert!(close(binomial_upper_tail(12, 20, 0.3), 0.005_138_161_535_121_403, 1e-9));
    // 80 or more of 1000 at 5% (exact rational sum): the large-n path stays accurate.
    assert!(close(binomial_upper_tail(80, 1000, 0.05), 3.488_644_975_793_47e-5, 1e-7));
}

#[test]
fn binomial_tail_agrees_with_direct_summation_everywhere() {
    for n in [1u64, 2, 5, 8, 16, 40] {
        for k in 0..=n + 1 {
            for p in [0.01, 0.1, 0.15, 0.5, 0.9] {
                let (ours, exact) = (binomial_upper_tail(k, n, p), exact_upper_tail(k, n, p));
                assert!((ours - exact).abs() <= 1e-12 + 1e-9 * exact, "k={k} n={n} p={p}: {ours} vs {exact}");
            }
        }
    }
}

#[test]
fn binomial_tail_edges() {
    assert_eq!(binomial_upper_tail(0, 10, 0.3), 1.0);
    assert_eq!(binomial_upper_tail(11, 10, 0.3), 0.0);
    assert_eq!(binomial_upper_tail(3, 10, 0.0), 0.0);
    assert_eq!(binomial_upper_tail(3, 10, 1.0), 1.0);
}

#[test]
fn student_t_and_normal_tails_match_tables() {
    assert!(close(student_t_upper_tail(2.228_138_851_986_274, 10.0), 0.025, 1e-6));
    assert!(close(student_t_upper_tail(1.812_461_122_811_676, 10.0), 0.05, 1e-6));
    assert!(close(student_t_upper_tail(-1.812_461_122_811_676, 10.0), 0.95, 1e-6));
    assert!(close(student_t_upper_tail(0.0, 7.0), 0.5, 1e-12));
    assert!(close(normal_upper_tail(1.959_963_984_540_054), 0.025, 1e-9));
    assert!(close(normal_upper_tail(3.0), 0.001_349_898_031_630_094_6, 1e-9));
    assert!(close(normal_upper_tail(6.0), 9.865_876_450_376_98e-10, 1e-7));
    assert!(close(normal_upper_tail(-1.0), 0.841_344_746_068_542_9, 1e-9));
}

#[test]
fn ln_gamma_matches_factorials() {
    assert!(close(ln_gamma(10.0), 362_880f64.ln(), 1e-13));
    assert!(close(ln_gamma(0.5), std::f64::consts::PI.sqrt().ln(), 1e-12));
    assert!(close(ln_gamma(101.0), (1..=100).map(|i| (i as f64).ln()).sum::<f64>(), 1e-13));
}

#[test]
fn least_squares_recovers_a_line_and_its_significance() {
    let exact: Vec<(f64, f64)> = (0..10).map(|x| (x as f64, 2.0 + 0.5 * x as f64)).collect();
    let line = least_squares(&exact).unwrap();
    assert!(close(line.slope, 0.5, 1e-12) && close(line.intercept, 2.0, 1e-12));
    assert_eq!(line.t, f64::INFINITY);
    // Worked by hand: x 1..5, y 2,4,5,4,5 → slope 0.6, intercept 2.2, residual sum of
    // squares 2.4, standard error √(0.8/10), t = 3/√2.
    let points = [(1.0, 2.0), (2.0, 4.0), (3.0, 5.0), (4.0, 4.0), (5.0, 5.0)];
    let line = least_squares(&points).unwrap();
    assert!(close(line.slope, 0.6, 1e-12) && close(line.intercept, 2.2, 1e-12));
    assert!(close(line.t, 3.0 / 2f64.sqrt(), 1e-12) && line.df == 3.0);
    assert!(least_squares(&[(1.0, 1.0), (1.0, 2.0), (1.0, 3.0)]).is_none());
}

#[test]
fn mann_kendall_and_theil_sen() {
    let rising: Vec<f64> = (0..10).map(f64::from).collect();
    // S = 45, variance = 10·9·25/18 = 125.
    assert!(close(mann_kendall_increasing(&rising), normal_upper_tail(44.0 / 125f64.sqrt()), 1e-12));
    let falling: Vec<f64> = rising.iter().rev().copied().collect();
    assert_eq!(mann_kendall_increasing(&falling), 1.0);
    let (slope, intercept) = theil_sen(&[3.0, 5.0, 7.0, 100.0, 11.0]);
    assert!(close(slope, 2.0, 1e-12) && close(intercept, 3.0, 1e-12), "one outlier does not move Theil–Sen");
}

#[test]
fn hypergeometric_tail_matches_the_tea_tasting_lady() {
    // Fisher's eight cups, four with milk first: all four right by luck is 1/70.
    assert!(close(hypergeometric_upper_tail(4, 8, 4, 4), 1.0 / 70.0, 1e-12));
    assert!(close(hypergeometric_upper_tail(3, 8, 4, 4), 17.0 / 70.0, 1e-12));
    assert_eq!(hypergeometric_upper_tail(0, 8, 4, 4), 1.0);
    assert_eq!(hypergeometric_upper_tail(5, 8, 4, 4), 0.0);
    // 3 of 5 misses on the slot holding 2 of 20 occurrences is impossible; 2 of 5 is C(5,2)/C(20,2).
    assert_eq!(hypergeometric_upper_tail(3, 20, 5, 2), 0.0);
    assert!(close(hypergeometric_upper_tail(2, 20, 5, 2), 10.0 / 190.0, 1e-12));
}
