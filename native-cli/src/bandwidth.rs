//! Main-memory bandwidth, the way STREAM measures it: copy (`a = b`) and triad
//! (`a = b + s·c`) over f64 arrays far larger than the last-level cache, on every core and on
//! one, taking turns round by round within a time budget; each figure is its kernel's best
//! repetition, as STREAM reports it. Bytes counted are those the kernel reads and writes
//! (STREAM's convention: 16 bytes per element for copy, 24 for triad).
//!
//! Hand-written rather than a crate: no maintained Rust crate measures STREAM bandwidth, and
//! the kernels are four loops; `docs/benchmarks.md` checks them against the C STREAM triad.

use crate::compute::{Rounds, best_of_turns};
use llmcap_core::num::round3;
use llmcap_core::speed::report::{MemoryBandwidth, Source};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Bandwidth measurement settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BandwidthOptions {
    /// Time for the set-up and all four measurements together.
    pub budget: Duration,
    /// Elements of each of the three arrays.
    pub elements: usize,
    /// Repetitions of each kernel at least, whatever the budget.
    pub min_repetitions: usize,
}

/// Each array is at least this big, bytes.
const MIN_ARRAY_BYTES: u64 = 64 << 20;
/// Each array is at least this many times the last-level cache, so that the triad's three
/// arrays stream six times the cache through it, and the copy's two four times. STREAM asks
/// for four times the cache an array; half of that costs half the set-up, which on a VM
/// whose free memory the host takes back is most of the measurement's time, and moved the C
/// STREAM triad by nothing measurable on a 48 MiB-L3 host (`docs/benchmarks.md`).
const CACHE_MULTIPLE: u64 = 2;
/// Each array is at most this big: larger ones only take longer to set up.
const MAX_ARRAY_BYTES: u64 = 512 << 20;
/// The three arrays take at most this share of the available memory (a 2 GB Raspberry Pi
/// with 1.5 GB available gets three 64 MiB arrays, an eighth of it).
const MAX_SHARE_OF_AVAILABLE: u64 = 8;

impl BandwidthOptions {
    /// Arrays sized to this machine: twice the last-level cache, from 64 MiB to 512 MiB
    /// each, and all three within an eighth of `available_bytes`.
    pub fn for_machine(available_bytes: u64, last_level_cache_bytes: Option<u64>) -> Self {
        let wanted = last_level_cache_bytes
            .map_or(MIN_ARRAY_BYTES, |llc| llc.saturating_mul(CACHE_MULTIPLE))
            .clamp(MIN_ARRAY_BYTES, MAX_ARRAY_BYTES);
        let allowed = available_bytes / MAX_SHARE_OF_AVAILABLE / 3;
        let bytes = wanted.min(allowed).max(1 << 20);
        BandwidthOptions {
            budget: Duration::from_millis(500),
            elements: (bytes / 8) as usize,
            min_repetitions: 2,
        }
    }
}

/// One array, in memory of its own that the OS is asked to back with huge pages (Linux's
/// transparent huge pages, where the kernel has them), so that the figure does not depend
/// on the allocator: with 4 KiB pages one core's triad measured about a quarter lower on a
/// Zen 4 host, from TLB misses (`docs/benchmarks.md`). A heap vector where no mapping can
/// be made.
enum Array {
    Mapped(memmap2::MmapMut),
    Heap(Vec<f64>),
}

impl Array {
    /// `elements` copies of `value`, each chunk written (and so placed in memory) by the
    /// thread that later reads it.
    fn new(elements: usize, value: f64, chunk: usize) -> Array {
        let mut array = Array::mapped(elements).unwrap_or_else(|| Array::heap(elements));
        on_each_thread(array.values_mut().chunks_mut(chunk), |part| {
            part.fill(value)
        });
        array
    }

    fn mapped(elements: usize) -> Option<Array> {
        let map = memmap2::MmapMut::map_anon(elements * size_of::<f64>()).ok()?;
        advise_huge_pages(&map);
        Some(Array::Mapped(map))
    }

    fn heap(elements: usize) -> Array {
        Array::Heap(vec![0.0; elements])
    }

    fn values(&self) -> &[f64] {
        match self {
            Array::Mapped(map) => bytemuck::cast_slice(map),
            Array::Heap(values) => values,
        }
    }

    fn values_mut(&mut self) -> &mut [f64] {
        match self {
            Array::Mapped(map) => bytemuck::cast_slice_mut(map),
            Array::Heap(values) => values,
        }
    }
}

/// Advice only: a kernel built without transparent huge pages refuses it, and the array
/// keeps its normal pages.
#[cfg(target_os = "linux")]
fn advise_huge_pages(map: &memmap2::MmapMut) {
    let _ = map.advise(memmap2::Advice::HugePage);
}

#[cfg(not(target_os = "linux"))]
fn advise_huge_pages(_: &memmap2::MmapMut) {}

/// The three arrays.
struct Arrays {
    a: Array,
    b: Array,
    c: Array,
}

const SCALAR: f64 = 3.0;

impl Arrays {
    fn new(elements: usize, chunk: usize) -> Arrays {
        Arrays {
            a: Array::new(elements, 1.0, chunk),
            b: Array::new(elements, 2.0, chunk),
            c: Array::new(elements, 0.5, chunk),
        }
    }
}

fn copy_one(a: &mut [f64], b: &[f64]) {
    a.copy_from_slice(b);
}

fn triad_one(a: &mut [f64], b: &[f64], c: &[f64]) {
    for ((a, b), c) in a.iter_mut().zip(b).zip(c) {
        *a = b + SCALAR * c;
    }
}

fn copy_all(arrays: &mut Arrays, chunk: usize) {
    let a = arrays.a.values_mut().chunks_mut(chunk);
    let b = arrays.b.values().chunks(chunk);
    on_each_thread(a.zip(b), |(a, b)| copy_one(a, b));
}

fn triad_all(arrays: &mut Arrays, chunk: usize) {
    let a = arrays.a.values_mut().chunks_mut(chunk);
    let b = arrays.b.values().chunks(chunk);
    let c = arrays.c.values().chunks(chunk);
    on_each_thread(a.zip(b).zip(c), |((a, b), c)| triad_one(a, b, c));
}

/// Runs `work` on the `i`-th part on the `i`-th thread of rayon's pool, every thread at
/// once, as STREAM's OpenMP static schedule does: each thread reads the chunk it wrote,
/// which on a machine of several memory nodes is the node it was placed on. `par_chunks`
/// leaves which thread takes which chunk to work stealing. The callers make one part per
/// thread; any more go round the threads in turn.
fn on_each_thread<T: Send>(parts: impl Iterator<Item = T>, work: impl Fn(T) + Sync) {
    let slots: Vec<Mutex<Option<T>>> = parts.map(|part| Mutex::new(Some(part))).collect();
    rayon::broadcast(|context| {
        let mine = slots.iter().skip(context.index());
        for slot in mine.step_by(context.num_threads()) {
            if let Some(part) = slot.lock().ok().and_then(|mut part| part.take()) {
                work(part);
            }
        }
    });
}

/// The four kernels, in the order each round runs them.
#[derive(Debug, Clone, Copy)]
enum Kernel {
    CopyAll,
    TriadAll,
    CopyOne,
    TriadOne,
}

const KERNELS: [Kernel; 4] = [
    Kernel::CopyAll,
    Kernel::TriadAll,
    Kernel::CopyOne,
    Kernel::TriadOne,
];

impl Kernel {
    fn run(self, arrays: &mut Arrays, chunk: usize) {
        let Arrays { a, b, c } = arrays;
        match self {
            Kernel::CopyAll => copy_all(arrays, chunk),
            Kernel::TriadAll => triad_all(arrays, chunk),
            Kernel::CopyOne => copy_one(a.values_mut(), b.values()),
            Kernel::TriadOne => triad_one(a.values_mut(), b.values(), c.values()),
        }
    }
}

/// The three arrays, written and ready to be measured, and what writing them took.
///
/// Writing them is most of the measurement's time where the memory is fresh: on a VM whose
/// host takes free memory back, each new page is backed again on first touch. So the probe
/// prepares them while it waits on its external tools.
pub struct Prepared {
    arrays: Arrays,
    elements: usize,
    threads: usize,
    setup: Duration,
}

/// Allocates and writes the arrays, each chunk on the thread of the pool that later reads it.
pub fn prepare(options: &BandwidthOptions) -> Prepared {
    let started = Instant::now();
    let elements = options.elements.max(1024);
    let threads = rayon::current_num_threads().max(1);
    let arrays = Arrays::new(elements, elements.div_ceil(threads));
    Prepared {
        arrays,
        elements,
        threads,
        setup: started.elapsed(),
    }
}

/// Measures copy and triad on every core and on one, over arrays [`prepare`]d with these
/// `options`. Their set-up counts against the budget, and in the figure's `seconds`.
pub fn measure_prepared(prepared: Prepared, options: &BandwidthOptions) -> MemoryBandwidth {
    let started = Instant::now();
    let Prepared {
        mut arrays,
        elements: n,
        threads,
        setup,
    } = prepared;
    let chunk = n.div_ceil(threads);
    let budget = options.budget.saturating_sub(setup);
    // The kernels take turns round by round, so that a slowdown of the host's lands on
    // some repetitions of each rather than on all of one.
    let [copy_all, triad_all, copy_one, triad_one] =
        best_of_turns(budget, options.min_repetitions, |k| {
            KERNELS[k].run(&mut arrays, chunk)
        });
    std::hint::black_box(arrays.a.values());
    // Gigabytes a kernel reads and writes, at `bytes_per_element`.
    let gb_s =
        |rounds: Rounds, bytes_per_element: f64| rounds.giga_rate(bytes_per_element * n as f64);
    MemoryBandwidth {
        triad_all_cores_gb_s: gb_s(triad_all, 24.0),
        triad_one_core_gb_s: gb_s(triad_one, 24.0),
        copy_all_cores_gb_s: gb_s(copy_all, 16.0),
        copy_one_core_gb_s: gb_s(copy_one, 16.0),
        threads: Some(threads as u64),
        array_mib: Some(((n * 8) >> 20) as u64),
        repetitions: Some(triad_all.rounds),
        seconds: Some(round3((setup + started.elapsed()).as_secs_f64())),
        source: Some(Source::Measured),
    }
}

/// The last-level cache of CPU 0, bytes, from sysfs (`cache/index*/size` of the highest
/// `level`).
///
/// # Platform-specific behaviour
/// Linux only; elsewhere `None`, and the arrays take their minimum size.
#[cfg(target_os = "linux")]
pub fn last_level_cache_bytes() -> Option<u64> {
    let dir = std::path::Path::new("/sys/devices/system/cpu/cpu0/cache");
    let read = |path: std::path::PathBuf| std::fs::read_to_string(path).ok();
    std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let level: u32 = read(entry.path().join("level"))?.trim().parse().ok()?;
            let size = parse_cache_size(&read(entry.path().join("size"))?)?;
            Some((level, size))
        })
        .max()
        .map(|(_, size)| size)
}

/// # Platform-specific behaviour
/// Linux only; elsewhere `None`, and the arrays take their minimum size.
#[cfg(not(target_os = "linux"))]
pub fn last_level_cache_bytes() -> Option<u64> {
    None
}

/// Parses sysfs' cache sizes: `32768K`, `1M`, `512`.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
fn parse_cache_size(text: &str) -> Option<u64> {
    let text = text.trim();
    let (digits, unit) = match text.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((at, _)) => text.split_at(at),
        None => (text, ""),
    };
    let value: u64 = digits.parse().ok()?;
    let scale = match unit {
        "" => 1,
        "K" => 1 << 10,
        "M" => 1 << 20,
        "G" => 1 << 30,
        _ => return None,
    };
    value.checked_mul(scale)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kernels_compute_copy_and_triad() {
        let chunk = 1000;
        let mut arrays = Arrays::new(4096, chunk);
        assert!(matches!(arrays.a, Array::Mapped(_)));
        triad_all(&mut arrays, chunk);
        assert!(arrays.a.values().iter().all(|&x| x == 2.0 + SCALAR * 0.5));
        arrays.b.values_mut()[17] = 9.0;
        copy_all(&mut arrays, chunk);
        assert_eq!(arrays.a.values()[17], 9.0);
        assert_eq!(arrays.a.values()[4095], 2.0);
        assert_eq!(arrays.a.values().len(), 4096);
        let mut a = vec![0.0; 5];
        triad_one(&mut a, &[1.0; 5], &[2.0; 5]);
        assert_eq!(a, [7.0; 5]);
    }

    #[test]
    fn each_part_runs_on_its_own_thread() {
        let threads = rayon::current_num_threads();
        let seen = Mutex::new(Vec::new());
        on_each_thread(0..threads, |part| {
            let thread = rayon::current_thread_index();
            seen.lock().unwrap().push((part, thread));
        });
        let mut seen = seen.into_inner().unwrap();
        seen.sort();
        let expected: Vec<_> = (0..threads).map(|i| (i, Some(i))).collect();
        assert_eq!(seen, expected);
        // More parts than threads: every part still runs, once.
        let count = Mutex::new(0);
        on_each_thread(0..3 * threads + 1, |_| *count.lock().unwrap() += 1);
        assert_eq!(count.into_inner().unwrap(), 3 * threads + 1);
    }

    #[test]
    fn heap_arrays_run_the_same_kernels() {
        let chunk = 100;
        let heap = |value: f64| {
            let mut array = Array::heap(1000);
            array.values_mut().fill(value);
            array
        };
        let mut arrays = Arrays {
            a: heap(1.0),
            b: heap(2.0),
            c: heap(0.5),
        };
        triad_all(&mut arrays, chunk);
        assert!(arrays.a.values().iter().all(|&x| x == 2.0 + SCALAR * 0.5));
        arrays.b.values_mut()[999] = 9.0;
        copy_all(&mut arrays, chunk);
        assert_eq!(arrays.a.values()[999], 9.0);
        assert_eq!(arrays.a.values().len(), 1000);
    }

    #[test]
    fn arrays_fit_the_machine() {
        const GIB: u64 = 1 << 30;
        // A 2 GB Raspberry Pi with 1.5 GB available: three arrays within an eighth of it.
        let pi = BandwidthOptions::for_machine(3 * GIB / 2, Some(1 << 20));
        assert!(3 * pi.elements as u64 * 8 <= 3 * GIB / 2 / 8, "{pi:?}");
        // This kind of VM (48 MiB L3, 22 GiB free): twice the cache.
        let vm = BandwidthOptions::for_machine(22 * GIB, Some(48 << 20));
        assert_eq!(vm.elements as u64 * 8, 96 << 20);
        // A 16 MiB-L3 desktop gets the smallest arrays.
        let desktop = BandwidthOptions::for_machine(22 * GIB, Some(16 << 20));
        assert_eq!(desktop.elements as u64 * 8, 64 << 20);
        // A 256 MiB-L3 server stops at 512 MiB an array.
        let server = BandwidthOptions::for_machine(512 * GIB, Some(256 << 20));
        assert_eq!(server.elements as u64 * 8, 512 << 20);
        // Nearly no memory still measures something small rather than nothing.
        assert!(BandwidthOptions::for_machine(0, None).elements > 0);
    }

    #[test]
    fn this_machine_has_a_plausible_bandwidth() {
        let options = BandwidthOptions {
            budget: Duration::from_millis(200),
            elements: (32 << 20) / 8,
            min_repetitions: 2,
        };
        let result = measure_prepared(prepare(&options), &options);
        let all = result.triad_all_cores_gb_s.unwrap();
        let one = result.triad_one_core_gb_s.unwrap();
        // From an unoptimised test build on a loaded machine (about 1 GB/s, twenty times
        // slower than release) to an HBM server (about 1000 GB/s).
        assert!((0.05..2000.0).contains(&all), "{result:?}");
        assert!((0.05..2000.0).contains(&one), "{result:?}");
        assert!(result.repetitions.unwrap() >= 2);
        assert_eq!(result.array_mib, Some(32));
    }

    #[test]
    fn cache_sizes_parse() {
        assert_eq!(parse_cache_size("32768K\n"), Some(32 << 20));
        assert_eq!(parse_cache_size("1M"), Some(1 << 20));
        assert_eq!(parse_cache_size("512"), Some(512));
        assert_eq!(parse_cache_size("lots"), None);
        assert_eq!(parse_cache_size("12Q"), None);
    }
}
