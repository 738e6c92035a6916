//! The compute figures: f32 matrix-product throughput, which fine-tuning's time is estimated
//! from, and the products llama.cpp's prompt processing runs, which prompt speed is
//! predicted from (the guide's f64 benchmark measures the wrong kind).
//!
//! The f32 product uses the `gemm` crate on every core, as the f64 benchmark does. The int8
//! figure, which the quantized types' prompt speed follows, comes from [`crate::int8`], and
//! the f16 figure, which F16's follows, from [`crate::f16`].

use crate::bench::square_product;
use crate::f16::{self, F16Options};
use crate::int8::{self, Int8Options};
use llmcap_core::num::round1;
use llmcap_core::speed::report::{Compute, Source};
use rand::rngs::SmallRng;
use rand::{RngExt, SeedableRng};
use std::time::{Duration, Instant};

/// The compute figures' settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ComputeOptions {
    /// Stop starting new rounds after this long, the three products together.
    pub budget: Duration,
    /// The f32 product's matrix side.
    pub size: usize,
    /// Rounds measured at least.
    pub min_rounds: usize,
    /// The int8 product's shape.
    pub int8: Int8Options,
    /// The f16 product's shape.
    pub f16: F16Options,
}

impl Default for ComputeOptions {
    fn default() -> Self {
        ComputeOptions {
            budget: Duration::from_millis(200),
            size: 1024,
            min_rounds: 3,
            int8: Int8Options::default(),
            f16: F16Options::default(),
        }
    }
}

/// Measures f32 GFLOP/s, the int8 block product's GOP/s and the f16 product's GFLOP/s, the
/// three products taking turns round by round ([`best_of_turns`]), after one warm-up round
/// of each.
pub fn measure(options: &ComputeOptions) -> Compute {
    let mut f32 = F32Product::new(options.size);
    let mut int8 = int8::timed(&options.int8);
    let mut f16 = f16::timed(&options.f16);
    let mut round = |product: usize| match product {
        0 => f32.round(),
        1 => int8.round(),
        _ => f16.round(),
    };
    (0..3).for_each(&mut round);
    let [f32_rounds, int8_rounds, f16_rounds] =
        best_of_turns(options.budget, options.min_rounds, round);
    Compute {
        f32_gflops: f32_rounds.giga_rate(f32.operations()),
        matrix_size: Some(f32.n as u64),
        rounds: Some(f32_rounds.rounds),
        int8_gops: int8_rounds.giga_rate(int8.operations()),
        int8_kernel: Some(int8.kernel().name().to_owned()),
        int8_rounds: Some(int8_rounds.rounds),
        f16_gflops: f16_rounds.giga_rate(f16.operations()),
        f16_kernel: Some(f16.kernel().name().to_owned()),
        f16_rounds: Some(f16_rounds.rounds),
        source: Some(Source::Measured),
    }
}

/// The f32 square product, ready to be timed.
struct F32Product {
    n: usize,
    a: Vec<f32>,
    b: Vec<f32>,
    c: Vec<f32>,
}

impl F32Product {
    fn new(size: usize) -> F32Product {
        let n = size.max(1);
        let mut rng = SmallRng::seed_from_u64(0x0f32_cca9);
        let a = (0..n * n).map(|_| rng.random::<f32>()).collect();
        let b = (0..n * n).map(|_| rng.random::<f32>()).collect();
        F32Product {
            n,
            a,
            b,
            c: vec![0f32; n * n],
        }
    }

    fn round(&mut self) {
        square_product(self.n, &self.a, &self.b, &mut self.c);
        std::hint::black_box(&mut self.c);
    }

    fn operations(&self) -> f64 {
        2.0 * (self.n as f64).powi(3)
    }
}

/// The fastest of a benchmark's rounds, and how many there were.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rounds {
    /// Seconds of the fastest round; `None` if no round took a measurable time.
    pub best: Option<f64>,
    /// Rounds measured.
    pub rounds: u64,
}

impl Rounds {
    /// Billions of `operations` a round does, a second, in the fastest round, to one
    /// decimal.
    pub fn giga_rate(&self, operations: f64) -> Option<f64> {
        self.best.map(|best| round1(operations / best / 1e9))
    }
}

/// Runs `N` benchmarks in turn, `run(0)` to `run(N - 1)`, round after round, until `budget`
/// is spent and at least `min_rounds` rounds are done: each one's fastest round.
///
/// On a shared machine another tenant only ever slows a round down, so the fastest round is
/// the steadier measure of what the machine can do, as STREAM's best repetition is. Round
/// by round rather than benchmark by benchmark, so that each one's rounds spread over the
/// whole window: on a shared VM the host slows the machine down for tens of milliseconds
/// now and then, and a benchmark whose rounds all fell in such a slowdown read a third to a
/// half low (`docs/benchmarks.md`).
pub fn best_of_turns<const N: usize>(
    budget: Duration,
    min_rounds: usize,
    mut run: impl FnMut(usize),
) -> [Rounds; N] {
    let started = Instant::now();
    let mut best = [f64::INFINITY; N];
    let mut rounds: u64 = 0;
    while rounds < min_rounds.max(1) as u64 || started.elapsed() < budget {
        for (benchmark, best) in best.iter_mut().enumerate() {
            let begin = Instant::now();
            run(benchmark);
            *best = best.min(begin.elapsed().as_secs_f64());
        }
        rounds += 1;
    }
    best.map(|best| Rounds {
        best: (best > 0.0 && best.is_finite()).then_some(best),
        rounds,
    })
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
    fn this_machine_has_plausible_compute_figures() {
        let result = measure(&ComputeOptions {
            budget: Duration::from_millis(50),
            size: 256,
            min_rounds: 3,
            int8: Int8Options {
                rows: 64,
                ..Int8Options::default()
            },
            f16: F16Options {
                rows: 64,
                width: 256,
                ..F16Options::default()
            },
        });
        let gflops = result.f32_gflops.unwrap();
        // A Raspberry Pi 3 core does about 1 GFLOP/s; a big server well under 100 TFLOP/s.
        assert!((0.2..100_000.0).contains(&gflops), "{result:?}");
        // Optimised, a Raspberry Pi 3 core does a few GOP/s of int8 or f16; a big server well
        // under 1,000 TOP/s. Tests build this crate unoptimised, a hundred times slower.
        for rate in [result.int8_gops, result.f16_gflops] {
            assert!(rate.is_some_and(|r| (0.01..1e6).contains(&r)), "{result:?}");
        }
        // The products take turns: each ran every round.
        assert!(result.rounds.unwrap() >= 3);
        assert_eq!(result.int8_rounds, result.rounds);
        assert_eq!(result.f16_rounds, result.rounds);
    }

    #[test]
    fn benchmarks_take_turns_round_by_round() {
        let mut order = Vec::new();
        let rounds: [Rounds; 3] = best_of_turns(Duration::ZERO, 2, |k| order.push(k));
        assert_eq!(order, [0, 1, 2, 0, 1, 2]);
        assert!(rounds.iter().all(|r| r.rounds == 2));
    }

    #[test]
    fn a_budget_runs_rounds_until_it_is_spent() {
        let rounds: [Rounds; 1] = best_of_turns(Duration::from_millis(30), 1, |_| {
            std::thread::sleep(Duration::from_millis(2))
        });
        let [only] = rounds;
        assert!(only.rounds >= 5, "{only:?}");
        assert!(only.best.is_some_and(|s| s >= 0.002), "{only:?}");
        // Ten million operations a round, each round at least 2 ms: at most 5 GOP/s.
        assert!(only.giga_rate(1e7).is_some_and(|r| r <= 5.0), "{only:?}");
    }
}
