//! The tiled matrix product that the int8 and f16 compute figures share: `out = a · bᵀ`, cut
//! into tiles of a few rows of `a` (weights) by a few rows of `b` (prompt tokens), the shape
//! of llama.cpp's CPU kernels, whose accumulators fill the vector registers. The row tiles are
//! shared out over every core.

use rayon::prelude::*;

/// The most values one tile holds (4 × 4, the int8 product's tile with AVX-512).
pub const MAX_TILE: usize = 16;

/// The shape of a kernel's tile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tile {
    /// Rows of `a`.
    pub rows: usize,
    /// Rows of `b`: the product's columns.
    pub columns: usize,
}

/// Computes `out = a · bᵀ`, `a_rows` × `b_rows` and row-major, with `kernel(i, j, values)`,
/// which writes the product of rows `i..i + tile.rows` of `a` by rows `j..j + tile.columns`
/// of `b` to `values[r * tile.columns + c]`. `a_rows` must be a multiple of `tile.rows` and
/// `b_rows` of `tile.columns`.
pub fn product(
    a_rows: usize,
    b_rows: usize,
    tile: Tile,
    out: &mut [f32],
    kernel: impl Fn(usize, usize, &mut [f32]) + Sync,
) {
    let Tile { rows, columns } = tile;
    assert!(
        rows * columns <= MAX_TILE && a_rows.is_multiple_of(rows) && b_rows.is_multiple_of(columns)
    );
    assert_eq!(out.len(), a_rows * b_rows);
    out.par_chunks_mut(rows * b_rows)
        .enumerate()
        .for_each(|(tile_row, out_rows)| {
            let mut values = [0f32; MAX_TILE];
            for j in (0..b_rows).step_by(columns) {
                kernel(tile_row * rows, j, &mut values);
                for r in 0..rows {
                    out_rows[r * b_rows + j..][..columns]
                        .copy_from_slice(&values[r * columns..][..columns]);
                }
            }
        });
}

/// A matrix a kernel multiplies: rows of values, in the kernel's layout.
pub trait Matrix: Sync {
    /// Rows.
    fn rows(&self) -> usize;
    /// Values per row.
    fn width(&self) -> usize;
}

/// The instructions a product runs on.
pub trait Kernel: Copy {
    /// The matrices it multiplies.
    type Matrix: Matrix;

    /// `out = a · bᵀ`, `a.rows()` × `b.rows()` and row-major, on every core.
    fn product(self, a: &Self::Matrix, b: &Self::Matrix, out: &mut [f32]);
}

/// A product ready to be timed round by round: a weight matrix, a prompt, and the kernel
/// that multiplies them.
pub struct Timed<K: Kernel> {
    kernel: K,
    weights: K::Matrix,
    prompt: K::Matrix,
    out: Vec<f32>,
}

impl<K: Kernel> Timed<K> {
    /// `weights` by `prompt` (of the same width) with `kernel`.
    pub fn new(kernel: K, weights: K::Matrix, prompt: K::Matrix) -> Timed<K> {
        let out = vec![0f32; weights.rows() * prompt.rows()];
        Timed {
            kernel,
            weights,
            prompt,
            out,
        }
    }

    /// One product, on every core.
    pub fn round(&mut self) {
        self.kernel
            .product(&self.weights, &self.prompt, &mut self.out);
        std::hint::black_box(&mut self.out);
    }

    /// Operations a round does: a multiply and an add for each weight and token.
    pub fn operations(&self) -> f64 {
        2.0 * (self.weights.rows() * self.prompt.rows() * self.weights.width()) as f64
    }

    /// The kernel it runs.
    pub fn kernel(&self) -> K {
        self.kernel
    }
}

/// The sum of a vector's eight f32 lanes, once a tile's products are done.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx")]
#[allow(unsafe_code)]
pub fn horizontal_sum(v: std::arch::x86_64::__m256) -> f32 {
    let mut lanes = [0f32; 8];
    // SAFETY: `lanes` holds 8 f32.
    unsafe { std::arch::x86_64::_mm256_storeu_ps(lanes.as_mut_ptr(), v) };
    lanes.iter().sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tile_lands_in_its_place() {
        // A kernel that writes each value's own coordinates: the product must hold them all.
        let tile = Tile {
            rows: 4,
            columns: 3,
        };
        let (a_rows, b_rows) = (8, 9);
        let mut out = vec![f32::NAN; a_rows * b_rows];
        product(a_rows, b_rows, tile, &mut out, |i, j, values| {
            for r in 0..4 {
                for c in 0..3 {
                    values[r * 3 + c] = ((i + r) * 100 + j + c) as f32;
                }
            }
        });
        for i in 0..a_rows {
            for j in 0..b_rows {
                assert_eq!(out[i * b_rows + j], (i * 100 + j) as f32, "{i},{j}");
            }
        }
    }
}
