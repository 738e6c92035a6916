//! f16 matrix-product throughput, the compute figure F16's prompt speed is predicted from.
//!
//! llama.cpp multiplies an F16 model's weights by the prompt, itself turned to f16, with
//! llamafile's `tinyBLAS` (`ggml/src/ggml-cpu/llamafile/sgemm.cpp`): each vector of halves
//! is widened to f32 as it is loaded (`vcvtph2ps`, F16C), then multiplied and added in f32,
//! in tiles of a few weight rows by a few prompt tokens, each tile's sums added up across the
//! vector at the end. The `gemm` crate's f32 product, which the f32 figure times, reaches a
//! different share of the CPU's peak than that loop from one CPU to the next (llama.cpp's
//! F16 prompt ran at 0.6 to 1.4 times the f32 figure's rate on three hosts,
//! `docs/benchmarks.md`), so this module runs tinyBLAS's loop, with the same instructions, on
//! every core.
//!
//! The tiles are 4 weight rows by 2 tokens, where tinyBLAS's are 4 × 3 with 16 vector
//! registers (AVX2) and 4 × 6 with 32 (AVX-512): those fill every register, and the Rust
//! compiler then keeps some sums on the stack (so it does for 4 × 4 with AVX-512, read in
//! its assembly), which halved the rate on an AMD Zen 3 core (42 against 83-88 GFLOP/s for
//! 4 × 2); written in assembly, 4 × 3 ran no faster than 4 × 2 there (76-77).
//!
//! Written here for the reasons of [`crate::int8`]: no maintained crate multiplies halves
//! with run-time dispatch. Each kernel is tested against a plain sum.

#![allow(unsafe_code)]

use crate::tiles::{self, Tile};
use half::f16;
use half::slice::HalfFloatSliceExt;
use rand::rngs::SmallRng;
use rand::{RngExt, SeedableRng};

/// Weight rows a tile covers, in every kernel (tinyBLAS's `RM`).
const TILE_ROWS: usize = 4;
/// Prompt tokens a tile covers (tinyBLAS's `RN`).
const TILE_COLUMNS: usize = 2;
/// Values a row's length must be a multiple of: the widest vector, 16 f32 lanes.
const LANES: usize = 16;

/// A row-major matrix of halves.
pub struct F16Matrix {
    rows: usize,
    columns: usize,
    data: Vec<f16>,
}

impl F16Matrix {
    /// A `rows` × `columns` matrix of random values in [-1, 1).
    pub fn random(rows: usize, columns: usize, seed: u64) -> F16Matrix {
        let mut rng = SmallRng::seed_from_u64(seed);
        let data = (0..rows * columns)
            .map(|_| f16::from_f32(rng.random_range(-1.0..1.0)))
            .collect();
        F16Matrix {
            rows,
            columns,
            data,
        }
    }

    fn row(&self, row: usize) -> &[f16] {
        &self.data[row * self.columns..(row + 1) * self.columns]
    }
}

type Row<'a> = &'a [f16];

/// The instruction set a product runs on, the best this CPU has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kernel {
    /// x86 AVX-512 (512-bit vectors, 32 registers).
    Avx512,
    /// x86 AVX2 with FMA and F16C (256-bit vectors, 16 registers).
    Avx2,
    /// Anything else: a loop the compiler vectorises, widening the halves in blocks.
    Portable,
}

impl Kernel {
    /// Every kernel, best first.
    pub const ALL: [Kernel; 3] = [Kernel::Avx512, Kernel::Avx2, Kernel::Portable];

    /// The best kernel this CPU runs.
    pub fn detect() -> Kernel {
        Kernel::ALL
            .into_iter()
            .find(|kernel| kernel.runs_here())
            .unwrap_or(Kernel::Portable)
    }

    /// The name the report gives it: `avx512`, `avx2` or `portable`.
    pub fn name(self) -> &'static str {
        match self {
            Kernel::Avx512 => "avx512",
            Kernel::Avx2 => "avx2",
            Kernel::Portable => "portable",
        }
    }

    /// Whether this CPU has the kernel's instructions.
    pub fn runs_here(self) -> bool {
        match self {
            #[cfg(target_arch = "x86_64")]
            Kernel::Avx2 => {
                is_x86_feature_detected!("avx2")
                    && is_x86_feature_detected!("fma")
                    && is_x86_feature_detected!("f16c")
            }
            #[cfg(target_arch = "x86_64")]
            Kernel::Avx512 => Kernel::Avx2.runs_here() && is_x86_feature_detected!("avx512f"),
            Kernel::Portable => true,
            #[allow(unreachable_patterns)]
            _ => false,
        }
    }

    /// One tile of `out = a · bᵀ`: rows `i..i + 4` of `a` by rows `j..` of `b`.
    fn tile(self, a: &F16Matrix, b: &F16Matrix, i: usize, j: usize, out: &mut [f32]) {
        let rows: [_; TILE_ROWS] = std::array::from_fn(|r| a.row(i + r));
        match self {
            // SAFETY: `product` runs each x86 kernel only where the CPU has its features.
            #[cfg(target_arch = "x86_64")]
            Kernel::Avx512 => unsafe { x86::tile_avx512(&rows, &columns(b, j), out) },
            #[cfg(target_arch = "x86_64")]
            Kernel::Avx2 => unsafe { x86::tile_avx2(&rows, &columns(b, j), out) },
            _ => tile_portable(&rows, &columns(b, j), out),
        }
    }

    /// `out = a · bᵀ` (`a.rows` × `b.rows`, row-major) on every core, by the portable loop
    /// where this CPU lacks the kernel's instructions. `a.rows` must be a multiple of 4,
    /// `b.rows` of 2, and the shared row length of 16.
    pub fn product(self, a: &F16Matrix, b: &F16Matrix, out: &mut [f32]) {
        let kernel = if self.runs_here() {
            self
        } else {
            Kernel::Portable
        };
        assert!(a.columns == b.columns && a.columns.is_multiple_of(LANES));
        let tile = Tile {
            rows: TILE_ROWS,
            columns: TILE_COLUMNS,
        };
        tiles::product(a.rows, b.rows, tile, out, |i, j, values| {
            kernel.tile(a, b, i, j, values)
        });
    }
}

fn columns(b: &F16Matrix, j: usize) -> [Row<'_>; TILE_COLUMNS] {
    std::array::from_fn(|c| b.row(j + c))
}

/// The portable tile: each row's halves widened 16 at a time (by F16C or Arm's `fcvtl`
/// where `half` finds them), then multiplied and added in f32 lanes the compiler vectorises.
fn tile_portable(rows: &[Row<'_>; TILE_ROWS], columns: &[Row<'_>; TILE_COLUMNS], out: &mut [f32]) {
    let widen = |halves: &[f16]| {
        let mut values = [0f32; LANES];
        halves.convert_to_f32_slice(&mut values);
        values
    };
    let mut sums = [[[0f32; LANES]; TILE_COLUMNS]; TILE_ROWS];
    for l in (0..rows[0].len()).step_by(LANES) {
        let b: [_; TILE_COLUMNS] = std::array::from_fn(|c| widen(&columns[c][l..l + LANES]));
        for (sums, row) in sums.iter_mut().zip(rows) {
            let a = widen(&row[l..l + LANES]);
            for (sum, b) in sums.iter_mut().zip(&b) {
                for ((sum, a), b) in sum.iter_mut().zip(&a).zip(b) {
                    *sum = a.mul_add(*b, *sum);
                }
            }
        }
    }
    for (r, sums) in sums.iter().enumerate() {
        for (c, sum) in sums.iter().enumerate() {
            out[r * TILE_COLUMNS + c] = sum.iter().sum();
        }
    }
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use super::{Row, TILE_COLUMNS, TILE_ROWS};
    use crate::tiles::horizontal_sum;
    use std::arch::x86_64::*;

    /// tinyBLAS's `gemm_bloc` where a tile has more rows than columns: load the tile's
    /// prompt vectors, then each weight row's vector and its products with them.
    macro_rules! tile {
        ($name:ident, $features:literal, $vector:ty, $lanes:literal, $zero:ident, $load:ident,
         $fmadd:ident, $sum:ident) => {
            #[target_feature(enable = $features)]
            pub(super) unsafe fn $name(
                rows: &[Row<'_>; TILE_ROWS],
                columns: &[Row<'_>; TILE_COLUMNS],
                out: &mut [f32],
            ) {
                let width = rows[0].len();
                // Every row as long as the first and whole vectors, checked once: the loop
                // reads vector `l` of each unchecked.
                assert!(width % $lanes == 0);
                assert!(rows.iter().chain(columns).all(|row| row.len() == width));
                let mut sums = [[$zero(); TILE_COLUMNS]; TILE_ROWS];
                for l in (0..width).step_by($lanes) {
                    let mut b: [$vector; TILE_COLUMNS] = [$zero(); TILE_COLUMNS];
                    for (b, column) in b.iter_mut().zip(columns) {
                        // SAFETY: `l + lanes <= width`, every row's length.
                        *b = unsafe { $load(column.as_ptr().add(l).cast()) };
                    }
                    for (sums, row) in sums.iter_mut().zip(rows) {
                        // SAFETY: as above.
                        let a = unsafe { $load(row.as_ptr().add(l).cast()) };
                        for (sum, b) in sums.iter_mut().zip(&b) {
                            *sum = $fmadd(a, *b, *sum);
                        }
                    }
                }
                for (r, sums) in sums.iter().enumerate() {
                    for (c, sum) in sums.iter().enumerate() {
                        out[r * TILE_COLUMNS + c] = $sum(*sum);
                    }
                }
            }
        };
    }

    tile!(
        tile_avx2,
        "avx2,fma,f16c",
        __m256,
        8,
        _mm256_setzero_ps,
        load_avx2,
        _mm256_fmadd_ps,
        horizontal_sum
    );
    tile!(
        tile_avx512,
        "avx2,fma,f16c,avx512f",
        __m512,
        16,
        _mm512_setzero_ps,
        load_avx512,
        _mm512_fmadd_ps,
        _mm512_reduce_add_ps
    );

    /// Eight halves widened to f32. SAFETY: the caller has F16C, and 16 bytes at `halves`.
    #[target_feature(enable = "avx,f16c")]
    unsafe fn load_avx2(halves: *const __m128i) -> __m256 {
        unsafe { _mm256_cvtph_ps(_mm_loadu_si128(halves)) }
    }

    /// Sixteen halves widened to f32. SAFETY: the caller has AVX-512F, and 32 bytes at
    /// `halves`.
    #[target_feature(enable = "avx512f")]
    unsafe fn load_avx512(halves: *const __m256i) -> __m512 {
        unsafe { _mm512_cvtph_ps(_mm256_loadu_si256(halves)) }
    }
}

/// The f16 product's shape.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct F16Options {
    /// Weight rows (made a multiple of 4).
    pub rows: usize,
    /// Prompt tokens (made a multiple of 2).
    pub tokens: usize,
    /// Values per row (made a multiple of 16): 3,072 is Phi-3-mini's hidden size.
    pub width: usize,
}

impl Default for F16Options {
    fn default() -> Self {
        F16Options {
            rows: 512,
            tokens: 64,
            width: 3072,
        }
    }
}

/// The f16 product of `options`' shape, over random matrices, ready to be timed with the best
/// kernel this CPU runs.
pub fn timed(options: &F16Options) -> tiles::Timed<Kernel> {
    let rows = options.rows.max(1).next_multiple_of(TILE_ROWS);
    let tokens = options.tokens.max(1).next_multiple_of(TILE_COLUMNS);
    let width = options.width.max(1).next_multiple_of(LANES);
    tiles::Timed::new(
        Kernel::detect(),
        F16Matrix::random(rows, width, 0x16_cca9),
        F16Matrix::random(tokens, width, 0x26_cca9),
    )
}

impl tiles::Matrix for F16Matrix {
    fn rows(&self) -> usize {
        self.rows
    }

    fn width(&self) -> usize {
        self.columns
    }
}

impl tiles::Kernel for Kernel {
    type Matrix = F16Matrix;

    fn product(self, a: &F16Matrix, b: &F16Matrix, out: &mut [f32]) {
        Kernel::product(self, a, b, out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain_product(a: &F16Matrix, b: &F16Matrix) -> Vec<f64> {
        let mut out = Vec::new();
        for i in 0..a.rows {
            for j in 0..b.rows {
                let dot = a.row(i).iter().zip(b.row(j));
                out.push(dot.map(|(x, y)| f64::from(*x) * f64::from(*y)).sum());
            }
        }
        out
    }

    #[test]
    fn every_kernel_this_cpu_runs_computes_the_product() {
        let here: Vec<Kernel> = Kernel::ALL.into_iter().filter(|k| k.runs_here()).collect();
        assert!(here.contains(&Kernel::Portable) && here.contains(&Kernel::detect()));
        #[cfg(target_arch = "x86_64")]
        if is_x86_feature_detected!("avx2")
            && is_x86_feature_detected!("fma")
            && is_x86_feature_detected!("f16c")
        {
            assert!(here.contains(&Kernel::Avx2));
        }
        // 8 × 12 by 48: two row tiles, six column tiles, and three or six vectors a row.
        let (a, b) = (F16Matrix::random(8, 48, 1), F16Matrix::random(12, 48, 2));
        let want = plain_product(&a, &b);
        // Those it lacks fall back to the portable loop, which must agree too.
        for kernel in Kernel::ALL {
            let mut out = vec![f32::NAN; 8 * 12];
            kernel.product(&a, &b, &mut out);
            for (k, (got, want)) in out.iter().zip(&want).enumerate() {
                assert!(
                    (f64::from(*got) - want).abs() < 1e-4,
                    "{kernel:?} {k}: {got} {want}"
                );
            }
        }
    }
}
