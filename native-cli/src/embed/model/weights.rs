//! Reading `model.safetensors` tensor by tensor, straight into the memory each tensor keeps.
//!
//! candle's `load_buffer` needs the whole file in memory and then copies every tensor out of
//! it, so loading an 87 MiB model peaked at twice that. Here the header is parsed and checked
//! by the `safetensors` crate, and each f32 tensor is read from the file into its own vector,
//! which candle then owns: the test's memory is the model's, not the loader's. Other dtypes
//! go through candle's own conversion.

use candle_core::safetensors::Load;
use candle_core::{Device, Tensor};
use safetensors::tensor::{Dtype, Metadata, TensorView};
use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

/// The largest header accepted (the `safetensors` crate's own limit).
const MAX_HEADER_BYTES: u64 = 100_000_000;

/// Reads every tensor of a safetensors file, checking that the file is exactly as long as
/// its header says and that every f32 value is a finite number.
pub fn read_tensors(path: &Path) -> Result<HashMap<String, Tensor>, String> {
    let file = File::open(path).map_err(|e| format!("cannot read it: {e}"))?;
    let size = file
        .metadata()
        .map_err(|e| format!("cannot read it: {e}"))?
        .len();
    let mut file = BufReader::with_capacity(1 << 16, file);
    let mut prefix = [0u8; 8];
    file.read_exact(&mut prefix)
        .map_err(|_| format!("is not a valid safetensors file: only {size} bytes long"))?;
    let header_len = u64::from_le_bytes(prefix);
    if header_len > MAX_HEADER_BYTES || 8 + header_len > size {
        return Err(format!(
            "is not a valid safetensors file: its header claims {header_len} bytes of a \
             {size}-byte file"
        ));
    }
    let mut header = vec![0u8; header_len as usize];
    file.read_exact(&mut header)
        .map_err(|e| format!("cannot read it: {e}"))?;
    let metadata: Metadata = serde_json::from_slice(&header)
        .map_err(|e| format!("is not a valid safetensors file: bad header: {e}"))?;
    let expected = 8 + header_len + metadata.data_len() as u64;
    if expected != size {
        return Err(format!(
            "is not a valid safetensors file: {size} bytes, but its header describes \
             {expected} (truncated or damaged)"
        ));
    }

    let mut tensors = HashMap::new();
    // Offsets are contiguous from 0 (the crate checks): reading in offset order is one
    // sequential pass over the file.
    for name in metadata.offset_keys() {
        let info = metadata
            .info(&name)
            .ok_or_else(|| format!("its header lost tensor {name}"))?;
        let (start, end) = info.data_offsets;
        let tensor = match info.dtype {
            Dtype::F32 => read_f32(&mut file, &name, (end - start) / 4, &info.shape)?,
            dtype => {
                let mut bytes = vec![0u8; end - start];
                file.read_exact(&mut bytes)
                    .map_err(|e| format!("cannot read tensor {name}: {e}"))?;
                TensorView::new(dtype, info.shape.clone(), &bytes)
                    .map_err(|e| format!("tensor {name} is invalid: {e}"))?
                    .load(&Device::Cpu)
                    .map_err(|e| format!("tensor {name} cannot be loaded: {e}"))?
            }
        };
        tensors.insert(name, tensor);
    }
    Ok(tensors)
}

fn read_f32(
    file: &mut impl Read,
    name: &str,
    count: usize,
    shape: &[usize],
) -> Result<Tensor, String> {
    let mut values = vec![0f32; count];
    file.read_exact(bytemuck::cast_slice_mut(&mut values))
        .map_err(|e| format!("cannot read tensor {name}: {e}"))?;
    if cfg!(target_endian = "big") {
        for v in &mut values {
            *v = f32::from_bits(u32::from_le(v.to_bits()));
        }
    }
    if let Some(at) = values.iter().position(|v| !v.is_finite()) {
        return Err(format!(
            "tensor {name} holds a value that is not a finite number (element {at}): the file \
             is corrupted"
        ));
    }
    Tensor::from_vec(values, shape, &Device::Cpu)
        .map_err(|e| format!("tensor {name} is invalid: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// A safetensors file with one f32 tensor `w` of `values`, written by the crate itself.
    fn file_with(values: &[f32]) -> tempfile::NamedTempFile {
        let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
        let view = TensorView::new(Dtype::F32, vec![values.len()], &bytes).unwrap();
        let data = safetensors::serialize([("w", view)], None).unwrap();
        let mut file = tempfile::NamedTempFile::new().unwrap();
        file.write_all(&data).unwrap();
        file
    }

    #[test]
    fn reads_what_the_crate_wrote() {
        let file = file_with(&[1.0, -2.5, 3.25]);
        let tensors = read_tensors(file.path()).unwrap();
        assert_eq!(tensors["w"].to_vec1::<f32>().unwrap(), [1.0, -2.5, 3.25]);
    }

    #[test]
    fn truncation_and_junk_are_named() {
        let file = file_with(&[1.0, 2.0, 3.0]);
        let bytes = std::fs::read(file.path()).unwrap();
        for (cut, words) in [
            (4, "only 4 bytes long"),
            (12, "its header claims"),
            (bytes.len() - 1, "truncated or damaged"),
        ] {
            std::fs::write(file.path(), &bytes[..cut]).unwrap();
            let err = read_tensors(file.path()).unwrap_err();
            assert!(err.contains(words), "{cut}: {err}");
        }
        let mut junk = bytes.clone();
        junk[8] = b'[';
        std::fs::write(file.path(), &junk).unwrap();
        assert!(
            read_tensors(file.path())
                .unwrap_err()
                .contains("bad header")
        );
    }

    #[test]
    fn a_value_that_is_not_finite_is_named() {
        let file = file_with(&[1.0, f32::NAN]);
        let err = read_tensors(file.path()).unwrap_err();
        assert!(err.contains("tensor w holds a value that is not a finite number (element 1)"));
    }
}
