//! The compute benchmark: the guide's loop (two fresh random 1000×1000 f64 matrices and their
//! product), run for a time budget instead of a fixed 100 rounds.
//!
//! The matrices are ndarray arrays; the product uses the `gemm` crate, which spreads the work
//! over every core (ndarray's own `dot` stops at four threads) and is already in the binary
//! for the embedding model.

use llmcap_core::num::{median, round2, round6};
use llmcap_core::report::{Benchmark, BenchmarkStatus};
use ndarray::Array2;
use rand::rngs::SmallRng;
use rand::{RngExt, SeedableRng};
use std::time::{Duration, Instant};

/// Benchmark settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BenchOptions {
    /// Stop starting new rounds after this long.
    pub budget: Duration,
    /// Matrix side.
    pub size: usize,
    /// Rounds measured at least, whatever the budget.
    pub min_rounds: usize,
    /// Rounds measured at most (the guide runs 100).
    pub max_rounds: usize,
}

impl Default for BenchOptions {
    fn default() -> Self {
        BenchOptions {
            budget: Duration::from_millis(1500),
            size: 1000,
            min_rounds: 3,
            max_rounds: 100,
        }
    }
}

/// The guide's loop runs this many rounds; `matrix_mult_time` is scaled to it.
pub const GUIDE_ROUNDS: f64 = 100.0;

/// Runs the benchmark. The first round warms caches and threads and is not counted.
pub fn run(options: &BenchOptions) -> Benchmark {
    let n = options.size.max(1);
    let mut rng = SmallRng::seed_from_u64(0x0114_cca9);
    let mut product = Array2::<f64>::zeros((n, n));
    let mut rounds = Vec::new();
    let mut products = Vec::new();
    let started = Instant::now();
    for round in 0..=options.max_rounds {
        let begin = Instant::now();
        let a = Array2::from_shape_simple_fn((n, n), || rng.random::<f64>());
        let b = Array2::from_shape_simple_fn((n, n), || rng.random::<f64>());
        let multiply = Instant::now();
        multiply_into(&a, &b, &mut product);
        let end = Instant::now();
        std::hint::black_box(&product);
        if round > 0 {
            rounds.push((end - begin).as_secs_f64());
            products.push((end - multiply).as_secs_f64());
        }
        let enough = rounds.len() >= options.min_rounds.max(1);
        if enough && started.elapsed() >= options.budget {
            break;
        }
    }
    let round = median(&mut rounds).unwrap_or(f64::NAN);
    let single = median(&mut products).unwrap_or(f64::NAN);
    let flops = 2.0 * (n as f64).powi(3);
    let guide_time = GUIDE_ROUNDS * round;
    Benchmark {
        matrix_mult_time: Some(round2(guide_time)),
        status: BenchmarkStatus::Success,
        operations_per_second: Some(round2(GUIDE_ROUNDS / guide_time)),
        gflops: Some(round2(flops / single / 1e9)),
        seconds_per_product_median: Some(round6(single)),
        seconds_per_round_median: Some(round6(round)),
        rounds: Some(rounds.len() as u64),
        matrix_size: Some(n as u64),
        threads: Some(rayon::current_num_threads() as u64),
        budget_seconds: Some(options.budget.as_secs_f64()),
    }
}

/// `c = a · b` for square row-major matrices, on every core.
fn multiply_into(a: &Array2<f64>, b: &Array2<f64>, c: &mut Array2<f64>) {
    let n = a.nrows();
    assert_eq!((a.dim(), b.dim(), c.dim()), ((n, n), (n, n), (n, n)));
    match (a.as_slice(), b.as_slice(), c.as_slice_mut()) {
        (Some(a), Some(b), Some(c)) => square_product(n, a, b, c),
        _ => panic!("the benchmark's matrices are contiguous and row-major"),
    }
}

/// `c = a · b` for n×n row-major matrices of `f64` or `f32`, on every core: the one call into
/// gemm, shared by the guide's f64 benchmark and the f32 compute figure.
#[allow(unsafe_code)]
pub fn square_product<T: Copy + From<u8> + 'static>(n: usize, a: &[T], b: &[T], c: &mut [T]) {
    assert!(a.len() == n * n && b.len() == n * n && c.len() == n * n);
    let row = n as isize;
    // SAFETY: the three slices are distinct n×n row-major matrices (lengths checked above),
    // so every address gemm forms from (pointer, column stride 1, row stride n) lies inside
    // its slice; `c` is borrowed mutably, so nothing else reads it meanwhile.
    unsafe {
        gemm::gemm(
            n,
            n,
            n,
            c.as_mut_ptr(),
            1,
            row,
            false,
            a.as_ptr(),
            1,
            row,
            b.as_ptr(),
            1,
            row,
            T::from(0),
            T::from(1),
            false,
            false,
            false,
            gemm::Parallelism::Rayon(0),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn product_is_correct() {
        let a = ndarray::arr2(&[[1.0, 2.0], [3.0, 4.0]]);
        let b = ndarray::arr2(&[[5.0, 6.0], [7.0, 8.0]]);
        let mut c = Array2::zeros((2, 2));
        multiply_into(&a, &b, &mut c);
        assert_eq!(c, a.dot(&b));
        let big_a = Array2::from_shape_fn((67, 67), |(i, j)| (i * 7 + j) as f64 / 13.0);
        let big_b = Array2::from_shape_fn((67, 67), |(i, j)| (i + 3 * j) as f64 / 11.0);
        let mut big_c = Array2::zeros((67, 67));
        multiply_into(&big_a, &big_b, &mut big_c);
        let expected = big_a.dot(&big_b);
        assert!(
            big_c
                .iter()
                .zip(expected.iter())
                .all(|(x, y)| (x - y).abs() < 1e-9)
        );
    }

    #[test]
    fn budget_bounds_the_rounds() {
        let options = BenchOptions {
            budget: Duration::ZERO,
            size: 64,
            min_rounds: 3,
            max_rounds: 100,
        };
        let result = run(&options);
        assert_eq!(result.rounds, Some(3));
        let options = BenchOptions {
            budget: Duration::from_secs(60),
            size: 16,
            min_rounds: 1,
            max_rounds: 5,
        };
        assert_eq!(run(&options).rounds, Some(5));
    }

    #[test]
    fn guide_time_is_a_hundred_rounds() {
        let result = run(&BenchOptions {
            size: 64,
            budget: Duration::ZERO,
            ..Default::default()
        });
        let round = result.seconds_per_round_median.unwrap();
        assert!((result.matrix_mult_time.unwrap() - round2(100.0 * round)).abs() < 0.011);
        assert!(result.gflops.unwrap() > 0.0);
    }

    #[test]
    fn rounding_matches_python() {
        // Python: round(2.675, 2) == 2.67 (2.675 is 2.67499999... in binary); round(0.125, 2) == 0.12.
        assert_eq!(round2(2.675), 2.67);
        assert_eq!(round2(0.125), 0.12);
        assert_eq!(round2(22.199999), 22.2);
        assert_eq!(round2(1.0 / 3.0), 0.33);
    }
}
