//! f32 matrix-product throughput, the compute figure prompt processing is predicted from
//! (llama.cpp's prompt processing is matrix products of the prompt by the weights, in f32 or
//! int8 on a CPU; the guide's f64 benchmark measures the wrong kind).
//!
//! The product uses the `gemm` crate on every core, as the f64 benchmark does. The int8
//! figure, which the quantized types' prompt speed follows, comes from [`crate::int8`].

use crate::bench::square_product;
use crate::int8::{self, Int8Options};
use llmcap_core::speed::report::{Compute, Source};
use rand::rngs::SmallRng;
use rand::{RngExt, SeedableRng};
use std::time::{Duration, Instant};

/// f32 benchmark settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ComputeOptions {
    /// Stop starting new rounds after this long.
    pub budget: Duration,
    /// Matrix side.
    pub size: usize,
    /// Rounds measured at least.
    pub min_rounds: usize,
    /// The int8 product's settings.
    pub int8: Int8Options,
}

impl Default for ComputeOptions {
    fn default() -> Self {
        ComputeOptions {
            budget: Duration::from_millis(100),
            size: 1024,
            min_rounds: 3,
            int8: Int8Options::default(),
        }
    }
}

/// Measures f32 GFLOP/s, then the int8 block product's GOP/s.
pub fn measure(options: &ComputeOptions) -> Compute {
    let (f32_gflops, rounds) = f32_gflops(options);
    let int8 = int8::measure(&options.int8);
    Compute {
        f32_gflops,
        matrix_size: Some(options.size.max(1) as u64),
        rounds: Some(rounds),
        int8_gops: int8.gops,
        int8_kernel: Some(int8.kernel.name().to_owned()),
        int8_rounds: Some(int8.rounds),
        source: Some(Source::Measured),
    }
}

/// f32 GFLOP/s: the fastest of the rounds after one warm-up round. On a shared machine
/// another tenant only ever slows a round down, and in 0.1 s one such burst can take half
/// the rounds (the probe's f32 figure halved in one run of five), so the best round is the
/// steadier measure of what the CPU can do, as STREAM's best repetition is.
fn f32_gflops(options: &ComputeOptions) -> (Option<f64>, u64) {
    let n = options.size.max(1);
    let mut rng = SmallRng::seed_from_u64(0x0f32_cca9);
    let a: Vec<f32> = (0..n * n).map(|_| rng.random::<f32>()).collect();
    let b: Vec<f32> = (0..n * n).map(|_| rng.random::<f32>()).collect();
    let mut c = vec![0f32; n * n];
    let seconds = best_round(options.budget, options.min_rounds, || {
        square_product(n, &a, &b, &mut c)
    });
    std::hint::black_box(&c);
    let flops = 2.0 * (n as f64).powi(3);
    let gflops = seconds
        .best
        .map(|best| (flops / best / 1e9 * 10.0).round() / 10.0);
    (gflops, seconds.rounds)
}

/// The fastest of a benchmark's rounds, and how many there were.
pub struct Rounds {
    /// Seconds of the fastest round; `None` if no round took a measurable time.
    pub best: Option<f64>,
    /// Rounds measured, the warm-up not counted.
    pub rounds: u64,
}

/// Runs `round` once to warm up, then until `budget` is spent and at least `min_rounds`
/// times.
pub fn best_round(budget: Duration, min_rounds: usize, mut round: impl FnMut()) -> Rounds {
    round();
    let mut best = f64::INFINITY;
    let mut rounds = 0;
    let started = Instant::now();
    while rounds < min_rounds.max(1) || started.elapsed() < budget {
        let begin = Instant::now();
        round();
        best = best.min(begin.elapsed().as_secs_f64());
        rounds += 1;
    }
    Rounds {
        best: (best > 0.0 && best.is_finite()).then_some(best),
        rounds: rounds as u64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_product_is_correct() {
        let n = 37;
        let a: Vec<f32> = (0..n * n).map(|i| (i % 7) as f32 - 3.0).collect();
        let b: Vec<f32> = (0..n * n).map(|i| (i % 5) as f32 * 0.5).collect();
        let mut c = vec![0f32; n * n];
        square_product(n, &a, &b, &mut c);
        for (i, j) in [(0, 0), (3, 17), (36, 36)] {
            let expected: f32 = (0..n).map(|k| a[i * n + k] * b[k * n + j]).sum();
            assert!((c[i * n + j] - expected).abs() < 1e-3, "{i},{j}");
        }
    }

    #[test]
    fn this_machine_has_plausible_f32_throughput() {
        let result = measure(&ComputeOptions {
            budget: Duration::from_millis(50),
            size: 256,
            min_rounds: 3,
            int8: Int8Options {
                budget: Duration::from_millis(20),
                rows: 64,
                ..Int8Options::default()
            },
        });
        let gflops = result.f32_gflops.unwrap();
        // A Raspberry Pi 3 core does about 1 GFLOP/s; a big server well under 100 TFLOP/s.
        assert!((0.2..100_000.0).contains(&gflops), "{result:?}");
        assert!(result.rounds.unwrap() >= 3);
        assert!(result.int8_gops.unwrap() > 0.0, "{result:?}");
        assert!(result.int8_rounds.unwrap() >= 3);
    }
}
