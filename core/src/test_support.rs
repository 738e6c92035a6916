//! Machines for unit tests, built from a real report of the guide's script.

use crate::report::{GpuType, Machine, parse_report};

const EPYC: &str = include_str!("../../tests/fixtures/seed-reports/epyc-2core.json");

/// The 2-core EPYC machine with the verdict's inputs replaced.
pub(crate) fn machine(
    ram_available_gb: f64,
    disk_free_gb: f64,
    matrix_mult_time: Option<f64>,
    gpu_type: Option<GpuType>,
) -> Machine {
    let mut machine = parse_report("epyc.json", EPYC.as_bytes()).unwrap().machine;
    machine.system.ram_available_gb = ram_available_gb;
    machine.system.ram_gb = machine.system.ram_gb.max(ram_available_gb);
    machine.system.disk_free_gb = disk_free_gb;
    machine.benchmark.matrix_mult_time = matrix_mult_time;
    machine.system.gpu_type = gpu_type;
    machine
}
