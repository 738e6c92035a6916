//! int8 matrix-product throughput, the compute figure the quantized types' prompt speed is
//! predicted from.
//!
//! llama.cpp's CPU prompt processing multiplies each quantized weight matrix by the prompt,
//! itself quantized to Q8_0: blocks of 32 int8 values with one scale. Each pair of blocks
//! is an int8 dot product, turned to f32 and added with the product of the two scales
//! (`ggml/src/ggml-cpu/llamafile/sgemm.cpp`, `tinyBLAS_Q0_AVX` and `tinyBLAS_Q0_ARM`). On
//! x86 the dot product is one `vpdpbusd` where the CPU has AVX-512 VNNI or AVX-VNNI, and
//! `vpmaddubsw` then `vpmaddwd` where it has AVX2 only: the same f32 rate can carry twice
//! the int8 rate, which an f32 product cannot show. This module runs that block product,
//! with the same instructions, on every core.
//!
//! No maintained crate does this with run-time dispatch: gemm multiplies floats only, and
//! candle's quantized kernels pick their SIMD at compile time, so a portable binary would
//! measure scalar code. The kernels are therefore written here, one per instruction set,
//! and tested against a plain sum.

#![allow(unsafe_code)]

use crate::tiles::{self, Tile};
use rand::rngs::SmallRng;
use rand::{RngExt, SeedableRng};

/// Values per block, as in ggml's `block_q8_0`.
const BLOCK: usize = 32;
/// Rows of the weight matrix a kernel call covers.
const TILE_ROWS: usize = 4;
/// Prompt columns a kernel call covers: a tile's accumulators fill the vector registers
/// (32 with AVX-512, 16 with AVX2), as llama.cpp's tiles do.
const TILE_COLUMNS_WIDE: usize = 4;
const TILE_COLUMNS: usize = 2;

/// One block of Q8_0: 32 int8 values and their scale (ggml keeps the scale in f16 and turns
/// it to f32 first; this one keeps it in f32).
#[derive(Debug, Clone, Copy)]
#[repr(C)]
struct Block {
    quants: [i8; BLOCK],
    scale: f32,
}

/// A matrix in Q8_0's layout: rows of blocks.
pub struct Q8Matrix {
    rows: usize,
    blocks: usize,
    data: Vec<Block>,
}

impl Q8Matrix {
    /// A `rows` × `blocks`·32 matrix of random values.
    pub fn random(rows: usize, blocks: usize, seed: u64) -> Q8Matrix {
        let mut rng = SmallRng::seed_from_u64(seed);
        let data = (0..rows * blocks)
            .map(|_| Block {
                quants: std::array::from_fn(|_| rng.random_range(-127..=127)),
                scale: rng.random_range(0.001..0.01),
            })
            .collect();
        Q8Matrix { rows, blocks, data }
    }

    fn row(&self, row: usize) -> &[Block] {
        &self.data[row * self.blocks..(row + 1) * self.blocks]
    }
}

/// The instruction set a product runs on, the best this CPU has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kernel {
    /// x86 AVX-512 VNNI on 256-bit vectors (`vpdpbusd`, 32 vector registers).
    Avx512Vnni,
    /// x86 AVX-VNNI (`vpdpbusd`, 16 vector registers).
    AvxVnni,
    /// x86 AVX2 (`vpmaddubsw`, `vpmaddwd`).
    Avx2,
    /// Arm with the dot-product extension: the portable loop, compiled for it.
    Dotprod,
    /// Anything else: the portable loop.
    Portable,
}

impl Kernel {
    /// The best kernel this CPU runs.
    pub fn detect() -> Kernel {
        Kernel::ALL
            .into_iter()
            .find(|kernel| kernel.runs_here())
            .unwrap_or(Kernel::Portable)
    }

    /// Every kernel, best first.
    pub const ALL: [Kernel; 5] = [
        Kernel::Avx512Vnni,
        Kernel::AvxVnni,
        Kernel::Avx2,
        Kernel::Dotprod,
        Kernel::Portable,
    ];

    /// The name the report gives it: `avx512-vnni`, `avx-vnni`, `avx2`, `dotprod`, `portable`.
    pub fn name(self) -> &'static str {
        match self {
            Kernel::Avx512Vnni => "avx512-vnni",
            Kernel::AvxVnni => "avx-vnni",
            Kernel::Avx2 => "avx2",
            Kernel::Dotprod => "dotprod",
            Kernel::Portable => "portable",
        }
    }

    /// Whether this CPU has the kernel's instructions.
    pub fn runs_here(self) -> bool {
        match self {
            #[cfg(target_arch = "x86_64")]
            Kernel::Avx2 => is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma"),
            #[cfg(target_arch = "x86_64")]
            Kernel::AvxVnni => Kernel::Avx2.runs_here() && is_x86_feature_detected!("avxvnni"),
            #[cfg(target_arch = "x86_64")]
            Kernel::Avx512Vnni => {
                Kernel::Avx2.runs_here()
                    && is_x86_feature_detected!("avx512vnni")
                    && is_x86_feature_detected!("avx512vl")
            }
            #[cfg(target_arch = "aarch64")]
            Kernel::Dotprod => std::arch::is_aarch64_feature_detected!("dotprod"),
            Kernel::Portable => true,
            #[allow(unreachable_patterns)]
            _ => false,
        }
    }

    fn tile_columns(self) -> usize {
        match self {
            Kernel::Avx512Vnni => TILE_COLUMNS_WIDE,
            _ => TILE_COLUMNS,
        }
    }

    /// One tile of `out = a · bᵀ`: rows `i..i + 4` of `a` by rows `j..j + tile_columns` of
    /// `b`, written to `out[r * tile_columns + c]`.
    fn tile(self, a: &Q8Matrix, b: &Q8Matrix, i: usize, j: usize, out: &mut [f32]) {
        let rows: [_; TILE_ROWS] = std::array::from_fn(|r| a.row(i + r));
        match self {
            // SAFETY: `product` runs each x86 kernel only where the CPU has its features.
            #[cfg(target_arch = "x86_64")]
            Kernel::Avx512Vnni => unsafe {
                x86::tile_avx512_vnni(&rows, &columns::<TILE_COLUMNS_WIDE>(b, j), out)
            },
            #[cfg(target_arch = "x86_64")]
            Kernel::AvxVnni => unsafe {
                x86::tile_avx_vnni(&rows, &columns::<TILE_COLUMNS>(b, j), out)
            },
            #[cfg(target_arch = "x86_64")]
            Kernel::Avx2 => unsafe { x86::tile_avx2(&rows, &columns::<TILE_COLUMNS>(b, j), out) },
            // SAFETY: `product` runs it only where the CPU has the dot-product extension.
            #[cfg(target_arch = "aarch64")]
            Kernel::Dotprod => unsafe { tile_dotprod(&rows, &columns::<TILE_COLUMNS>(b, j), out) },
            _ => tile_portable(&rows, &columns::<TILE_COLUMNS>(b, j), out),
        }
    }

    /// `out = a · bᵀ` (`a.rows` × `b.rows`, row-major) on every core, by the portable loop
    /// where this CPU lacks the kernel's instructions. `a.rows` must be a multiple of 4 and
    /// `b.rows` of 4 too; the matrices must share `blocks`.
    pub fn product(self, a: &Q8Matrix, b: &Q8Matrix, out: &mut [f32]) {
        let kernel = if self.runs_here() {
            self
        } else {
            Kernel::Portable
        };
        kernel.product_here(a, b, out);
    }

    fn product_here(self, a: &Q8Matrix, b: &Q8Matrix, out: &mut [f32]) {
        assert_eq!(a.blocks, b.blocks);
        let tile = Tile {
            rows: TILE_ROWS,
            columns: self.tile_columns(),
        };
        tiles::product(a.rows, b.rows, tile, out, |i, j, values| {
            self.tile(a, b, i, j, values)
        });
    }
}

type Row<'a> = &'a [Block];

fn columns<const N: usize>(b: &Q8Matrix, j: usize) -> [Row<'_>; N] {
    std::array::from_fn(|c| b.row(j + c))
}

/// The portable tile, written so that the compiler vectorises each block's dot product.
#[inline(always)]
fn tile_generic<const N: usize>(
    rows: &[Row<'_>; TILE_ROWS],
    columns: &[Row<'_>; N],
    out: &mut [f32],
) {
    let blocks = rows[0].len();
    let mut sums = [[0f32; N]; TILE_ROWS];
    for l in 0..blocks {
        for (sums, row) in sums.iter_mut().zip(rows) {
            let a = &row[l];
            for (sum, column) in sums.iter_mut().zip(columns) {
                let b = &column[l];
                let dot: i32 = a
                    .quants
                    .iter()
                    .zip(&b.quants)
                    .map(|(&x, &y)| i32::from(x) * i32::from(y))
                    .sum();
                *sum += a.scale * b.scale * dot as f32;
            }
        }
    }
    for (r, row) in sums.iter().enumerate() {
        out[r * N..][..N].copy_from_slice(row);
    }
}

fn tile_portable(rows: &[Row<'_>; TILE_ROWS], columns: &[Row<'_>; TILE_COLUMNS], out: &mut [f32]) {
    tile_generic(rows, columns, out)
}

/// The portable loop compiled with Arm's dot-product extension, so that the compiler may
/// turn each block's sum into `sdot` (not yet measured on an Arm host).
#[cfg(target_arch = "aarch64")]
#[target_feature(enable = "dotprod")]
unsafe fn tile_dotprod(
    rows: &[Row<'_>; TILE_ROWS],
    columns: &[Row<'_>; TILE_COLUMNS],
    out: &mut [f32],
) {
    tile_generic(rows, columns, out)
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use super::{BLOCK, Row, TILE_COLUMNS, TILE_COLUMNS_WIDE, TILE_ROWS};
    use crate::tiles::horizontal_sum;
    use std::arch::x86_64::*;

    /// One kernel per dot-product instruction, the rest as llama.cpp's `tinyBLAS_Q0_AVX`:
    /// |a| by b with a's sign, the int32 sums to f32, times both scales, added up.
    macro_rules! tile {
        ($name:ident, $features:literal, $columns:expr, $updot:ident) => {
            #[target_feature(enable = $features)]
            pub(super) unsafe fn $name(
                rows: &[Row<'_>; TILE_ROWS],
                columns: &[Row<'_>; $columns],
                out: &mut [f32],
            ) {
                let blocks = rows[0].len();
                // Every row as long as the first, checked once: the loop reads block `l`
                // of each unchecked.
                assert!(rows.iter().chain(columns).all(|row| row.len() == blocks));
                let mut sums = [[_mm256_setzero_ps(); $columns]; TILE_ROWS];
                for l in 0..blocks {
                    let mut b = [_mm256_setzero_si256(); $columns];
                    for (b, column) in b.iter_mut().zip(columns) {
                        // SAFETY: `l < blocks`, every row's length.
                        *b = unsafe { load(&column.get_unchecked(l).quants) };
                    }
                    for (sums, row) in sums.iter_mut().zip(rows) {
                        // SAFETY: as above.
                        let a_block = unsafe { row.get_unchecked(l) };
                        let a = unsafe { load(&a_block.quants) };
                        let magnitude = _mm256_sign_epi8(a, a);
                        for ((sum, b), column) in sums.iter_mut().zip(&b).zip(columns) {
                            let dot = $updot(magnitude, _mm256_sign_epi8(*b, a));
                            // SAFETY: as above.
                            let b_scale = unsafe { column.get_unchecked(l).scale };
                            let scale = _mm256_set1_ps(a_block.scale * b_scale);
                            *sum = _mm256_fmadd_ps(scale, _mm256_cvtepi32_ps(dot), *sum);
                        }
                    }
                }
                for (r, sums) in sums.iter().enumerate() {
                    for (c, sum) in sums.iter().enumerate() {
                        out[r * $columns + c] = horizontal_sum(*sum);
                    }
                }
            }
        };
    }

    tile!(tile_avx2, "avx2,fma", TILE_COLUMNS, updot_avx2);
    tile!(
        tile_avx512_vnni,
        "avx2,fma,avx512vnni,avx512vl",
        TILE_COLUMNS_WIDE,
        updot_avx512_vnni
    );
    tile!(
        tile_avx_vnni,
        "avx2,fma,avxvnni",
        TILE_COLUMNS,
        updot_avx_vnni
    );

    /// SAFETY: the caller has AVX, and `block` is 32 bytes.
    #[target_feature(enable = "avx")]
    unsafe fn load(block: &[i8; BLOCK]) -> __m256i {
        unsafe { _mm256_loadu_si256(block.as_ptr().cast()) }
    }

    #[target_feature(enable = "avx2")]
    fn updot_avx2(unsigned: __m256i, signed: __m256i) -> __m256i {
        _mm256_madd_epi16(_mm256_set1_epi16(1), _mm256_maddubs_epi16(unsigned, signed))
    }

    #[target_feature(enable = "avx512vnni,avx512vl")]
    fn updot_avx512_vnni(unsigned: __m256i, signed: __m256i) -> __m256i {
        _mm256_dpbusd_epi32(_mm256_setzero_si256(), unsigned, signed)
    }

    #[target_feature(enable = "avxvnni")]
    fn updot_avx_vnni(unsigned: __m256i, signed: __m256i) -> __m256i {
        _mm256_dpbusd_avx_epi32(_mm256_setzero_si256(), unsigned, signed)
    }
}

/// The int8 product's shape.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Int8Options {
    /// Weight rows (made a multiple of 4).
    pub rows: usize,
    /// Prompt tokens (made a multiple of 4).
    pub tokens: usize,
    /// Blocks of 32 per row: 96 is Phi-3-mini's hidden size of 3,072.
    pub blocks: usize,
}

impl Default for Int8Options {
    fn default() -> Self {
        Int8Options {
            rows: 512,
            tokens: 64,
            blocks: 96,
        }
    }
}

/// The int8 block product of `options`' shape, over random matrices, ready to be timed with the best
/// kernel this CPU runs.
pub fn timed(options: &Int8Options) -> tiles::Timed<Kernel> {
    let rows = options.rows.max(1).next_multiple_of(TILE_ROWS);
    let tokens = options.tokens.max(1).next_multiple_of(TILE_COLUMNS_WIDE);
    let blocks = options.blocks.max(1);
    tiles::Timed::new(
        Kernel::detect(),
        Q8Matrix::random(rows, blocks, 0x18_cca9),
        Q8Matrix::random(tokens, blocks, 0x28_cca9),
    )
}

impl tiles::Matrix for Q8Matrix {
    fn rows(&self) -> usize {
        self.rows
    }

    fn width(&self) -> usize {
        self.blocks * BLOCK
    }
}

impl tiles::Kernel for Kernel {
    type Matrix = Q8Matrix;

    fn product(self, a: &Q8Matrix, b: &Q8Matrix, out: &mut [f32]) {
        Kernel::product(self, a, b, out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain_product(a: &Q8Matrix, b: &Q8Matrix) -> Vec<f64> {
        let mut out = Vec::new();
        for i in 0..a.rows {
            for j in 0..b.rows {
                let sum: f64 = a
                    .row(i)
                    .iter()
                    .zip(b.row(j))
                    .map(|(x, y)| {
                        let dot: i64 = (0..BLOCK)
                            .map(|k| i64::from(x.quants[k]) * i64::from(y.quants[k]))
                            .sum();
                        f64::from(x.scale) * f64::from(y.scale) * dot as f64
                    })
                    .sum();
                out.push(sum);
            }
        }
        out
    }

    fn agrees(kernel: Kernel) {
        let (a, b) = (Q8Matrix::random(8, 5, 1), Q8Matrix::random(8, 5, 2));
        let mut out = vec![0f32; 64];
        kernel.product(&a, &b, &mut out);
        for (k, (got, want)) in out.iter().zip(plain_product(&a, &b)).enumerate() {
            assert!(
                (*got as f64 - want).abs() < 1e-4 * want.abs().max(1.0),
                "{kernel:?} {k}: {got} {want}"
            );
        }
    }

    #[test]
    fn every_kernel_this_cpu_runs_computes_the_product() {
        let here: Vec<Kernel> = Kernel::ALL.into_iter().filter(|k| k.runs_here()).collect();
        assert!(here.contains(&Kernel::Portable) && here.contains(&Kernel::detect()));
        #[cfg(target_arch = "x86_64")]
        if is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") {
            assert!(here.contains(&Kernel::Avx2));
        }
        #[cfg(target_arch = "aarch64")]
        if std::arch::is_aarch64_feature_detected!("dotprod") {
            assert_eq!(Kernel::detect(), Kernel::Dotprod);
        }
        // Those it lacks fall back to the portable loop, which must agree too.
        for kernel in Kernel::ALL {
            agrees(kernel);
        }
    }

    #[test]
    fn the_extreme_values_do_not_overflow() {
        // -127 · -127 · 32 per block: maddubs' i16 pairs reach 2 · 127 · 127 = 32,258 < 32,767.
        let mut a = Q8Matrix::random(4, 2, 3);
        let mut b = Q8Matrix::random(4, 2, 4);
        for block in a.data.iter_mut().chain(&mut b.data) {
            block.quants.fill(-127);
            block.scale = 1.0;
        }
        let mut out = vec![0f32; 16];
        Kernel::detect().product(&a, &b, &mut out);
        assert!(
            out.iter().all(|&x| x == (2 * 32 * 127 * 127) as f32),
            "{out:?}"
        );
    }
}
