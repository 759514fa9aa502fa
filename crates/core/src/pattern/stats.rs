//! The few statistical tests detection needs, written out so `core` needs no maths crate:
//! binomial and Student t tails through the regularized incomplete beta, the normal tail
//! through the incomplete gamma, least squares, Mann–Kendall and the Theil–Sen slope.

/// ln Γ(x) for x > 0 (Lanczos approximation, g = 7; about 15 significant digits).
pub fn ln_gamma(x: f64) -> f64 {
    const G: f64 = 7.0;
    const COEFFICIENTS: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection keeps the series in the range where it is accurate.
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut sum = COEFFICIENTS[0];
    for (i, c) in COEFFICIENTS.iter().enumerate().skip(1) {
        sum += c / (x + i as f64);
    }
    let t = x + G + 0.5;
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + sum.ln()
}

/// Keeps Lentz's continued fractions away from division by zero.
const TINY: f64 = 1e-300;
const EPSILON: f64 = 1e-15;
const MAX_ITERATIONS: usize = 500;

/// Regularized incomplete beta I_x(a, b).
pub fn incomplete_beta(a: f64, b: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let ln_front = ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln();
    // The fraction converges fast only on this side of the mean; use symmetry on the other,
    // so small upper tails are computed directly rather than as 1 minus something.
    if x < (a + 1.0) / (a + b + 2.0) {
        ln_front.exp() * beta_fraction(a, b, x) / a
    } else {
        1.0 - ln_front.exp() * beta_fraction(b, a, 1.0 - x) / b
    }
}

fn guard(value: f64) -> f64 {
    if value.abs() < TINY { TINY } else { value }
}

fn beta_fraction(a: f64, b: f64, x: f64) -> f64 {
    let mut c = 1.0;
    let mut d = 1.0 / guard(1.0 - (a + b) * x / (a + 1.0));
    let mut h = d;
    for m in 1..=MAX_ITERATIONS {
        let m = m as f64;
        let even = m * (b - m) * x / ((a + 2.0 * m - 1.0) * (a + 2.0 * m));
        d = 1.0 / guard(1.0 + even * d);
        c = guard(1.0 + even / c);
        h *= d * c;
        let odd = -(a + m) * (a + b + m) * x / ((a + 2.0 * m) * (a + 2.0 * m + 1.0));
        d = 1.0 / guard(1.0 + odd * d);
        c = guard(1.0 + odd / c);
        let step = d * c;
        h *= step;
        if (step - 1.0).abs() < EPSILON {
            break;
        }
    }
    h
}

/// Regularized upper incomplete gamma Q(a, x).
pub fn upper_incomplete_gamma(a: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 1.0;
    }
    let ln_front = a * x.ln() - x - ln_gamma(a);
    if x < a + 1.0 {
        // Series for the lower part converges here.
        let mut term = 1.0 / a;
        let mut sum = term;
        let mut denominator = a;
        for _ in 0..MAX_ITERATIONS {
            denominator += 1.0;
            term *= x / denominator;
            sum += term;
            if term.abs() < sum.abs() * EPSILON {
                break;
            }
        }
        1.0 - sum * ln_front.exp()
    } else {
        let mut b = x + 1.0 - a;
        let mut c = 1.0 / TINY;
        let mut d = 1.0 / b;
        let mut h = d;
        for i in 1..=MAX_ITERATIONS {
            let an = -(i as f64) * (i as f64 - a);
            b += 2.0;
            d = 1.0 / guard(an * d + b);
            c = guard(b + an / c);
            let step = d * c;
            h *= step;
            if (step - 1.0).abs() < EPSILON {
                break;
            }
        }
        ln_front.exp() * h
    }
}

/// P(X ≥ k) for X ~ Binomial(n, p).
pub fn binomial_upper_tail(k: u64, n: u64, p: f64) -> f64 {
    if k == 0 {
        return 1.0;
    }
    if k > n || p <= 0.0 {
        return 0.0;
    }
    if p >= 1.0 {
        return 1.0;
    }
    incomplete_beta(k as f64, (n - k + 1) as f64, p).clamp(0.0, 1.0)
}

/// P(X ≥ k) for X ~ Hypergeometric: `draws` taken without replacement from `population`
/// items of which `successes` are marked. Summed term by term; fine for the few hundred
/// terms cluster tests need.
pub fn hypergeometric_upper_tail(k: u64, population: u64, successes: u64, draws: u64) -> f64 {
    let successes = successes.min(population);
    let draws = draws.min(population);
    let highest = successes.min(draws);
    let lowest = (successes + draws).saturating_sub(population);
    if k <= lowest {
        return 1.0;
    }
    if k > highest {
        return 0.0;
    }
    let ln_choose =
        |n: u64, r: u64| ln_gamma(n as f64 + 1.0) - ln_gamma(r as f64 + 1.0) - ln_gamma((n - r) as f64 + 1.0);
    let ln_total = ln_choose(population, draws);
    let tail: f64 = (k..=highest)
        .map(|x| (ln_choose(successes, x) + ln_choose(population - successes, draws - x) - ln_total).exp())
        .sum();
    tail.clamp(0.0, 1.0)
}

/// P(T ≥ t) for Student's t with `df` degrees of freedom.
pub fn student_t_upper_tail(t: f64, df: f64) -> f64 {
    if t.is_nan() || df <= 0.0 {
        return 1.0;
    }
    if t == f64::INFINITY {
        return 0.0;
    }
    let half = 0.5 * incomplete_beta(df / 2.0, 0.5, df / (df + t * t));
    if t >= 0.0 { half } else { 1.0 - half }
}

/// P(Z ≥ z) for a standard normal Z.
pub fn normal_upper_tail(z: f64) -> f64 {
    if z.is_nan() {
        return 1.0;
    }
    let half = 0.5 * upper_incomplete_gamma(0.5, z * z / 2.0);
    if z >= 0.0 { half } else { 1.0 - half }
}

/// A least-squares line through points, with its slope's t statistic.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Line {
    pub slope: f64,
    /// The line's value at x = 0.
    pub intercept: f64,
    /// Slope over its standard error; infinite when the points lie exactly on the line.
    pub t: f64,
    pub df: f64,
}

/// Needs at least three points with different x.
pub fn least_squares(points: &[(f64, f64)]) -> Option<Line> {
    let n = points.len() as f64;
    if points.len() < 3 {
        return None;
    }
    let mean_x = points.iter().map(|p| p.0).sum::<f64>() / n;
    let mean_y = points.iter().map(|p| p.1).sum::<f64>() / n;
    let sxx: f64 = points.iter().map(|p| (p.0 - mean_x).powi(2)).sum();
    let sxy: f64 = points.iter().map(|p| (p.0 - mean_x) * (p.1 - mean_y)).sum();
    if sxx <= 0.0 {
        return None;
    }
    let slope = sxy / sxx;
    let intercept = mean_y - slope * mean_x;
    let residuals: f64 = points.iter().map(|p| (p.1 - intercept - slope * p.0).powi(2)).sum();
    let df = n - 2.0;
    let standard_error = (residuals / df / sxx).sqrt();
    let t = if standard_error > 0.0 {
        slope / standard_error
    } else if slope == 0.0 {
        0.0
    } else {
        f64::INFINITY.copysign(slope)
    };
    Some(Line { slope, intercept, t, df })
}

/// One-sided Mann–Kendall test for an upward trend (normal approximation with continuity
/// correction, no tie correction, which only makes it more cautious).
pub fn mann_kendall_increasing(values: &[f64]) -> f64 {
    seasonal_mann_kendall_increasing(&[values])
}

/// The seasonal form (Hirsch): each season (e.g. the 07:00 runs, the 19:00 runs) is
/// compared only with itself and the statistics are summed, so a daily rhythm is not
/// mistaken for a trend.
pub fn seasonal_mann_kendall_increasing(seasons: &[&[f64]]) -> f64 {
    let (mut s, mut variance) = (0i64, 0.0);
    for values in seasons.iter().filter(|values| values.len() >= 3) {
        for (i, a) in values.iter().enumerate() {
            for b in &values[i + 1..] {
                s += (b > a) as i64 - (b < a) as i64;
            }
        }
        let n = values.len() as f64;
        variance += n * (n - 1.0) * (2.0 * n + 5.0) / 18.0;
    }
    if s <= 0 || variance <= 0.0 {
        return 1.0;
    }
    normal_upper_tail((s as f64 - 1.0) / variance.sqrt())
}

/// Theil–Sen slope per index step, and the intercept at index 0.
pub fn theil_sen(values: &[f64]) -> (f64, f64) {
    seasonal_theil_sen(&[values])
}

/// Median of the within-season pairwise slopes (per occurrence), and the median intercept.
pub fn seasonal_theil_sen(seasons: &[&[f64]]) -> (f64, f64) {
    let mut slopes = Vec::new();
    for values in seasons {
        for (i, a) in values.iter().enumerate() {
            for (j, b) in values.iter().enumerate().skip(i + 1) {
                slopes.push((b - a) / (j - i) as f64);
            }
        }
    }
    let slope = median(&mut slopes);
    let mut offsets: Vec<f64> =
        seasons.iter().flat_map(|values| values.iter().enumerate().map(move |(i, v)| v - slope * i as f64)).collect();
    (slope, median(&mut offsets))
}

/// Median, reordering the slice; 0 for an empty one.
pub fn median(values: &mut [f64]) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    values.sort_unstable_by(f64::total_cmp);
    let mid = values.len() / 2;
    if values.len() % 2 == 1 { values[mid] } else { (values[mid - 1] + values[mid]) / 2.0 }
}
