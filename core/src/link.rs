//! Reports that travel by link: the page's URL with a fragment `#r=` followed by the report
//! (or a bundle of reports) as JSON, compressed with raw deflate and written in base64url
//! without padding. Browsers never send a fragment to a server, so the report stays between
//! the two browsers or people that share the link.
//!
//! A link is limited and validated like a dropped file: at most [`MAX_LINK_CHARS`]
//! characters of fragment, inflated to at most [`MAX_BUNDLE_BYTES`], then read by
//! [`crate::report::read_reports`] as a file named [`LINK_FILE`].

use crate::report::MAX_BUNDLE_BYTES;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// Where llmcap's page is published: the default base of a link.
pub const PAGE_URL: &str = "https://llmcap.github.io/llmcap/";

/// What starts the fragment of a link that carries reports.
pub const FRAGMENT_KEY: &str = "r=";

/// The longest fragment a link may have, characters. Chromium and Firefox open URLs far
/// longer, but mail and chat programs cut long ones; 64 Ki characters hold about 48 KiB of
/// deflated JSON, a few hundred reports.
pub const MAX_LINK_CHARS: usize = 64 * 1024;

/// The name a link's reports are read under, as a dropped file's name.
pub const LINK_FILE: &str = "link.json";

/// Deflate's compression level: the highest, since links are made once and kept short.
const LEVEL: u8 = 10;

/// Why a link carries no report.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    /// The fragment does not start with [`FRAGMENT_KEY`].
    #[error("the link carries no report: its part after # does not start with `r=`")]
    NoReport,
    /// The fragment is longer than [`MAX_LINK_CHARS`].
    #[error("the link is too long: {chars} characters after #r=, at most {limit}")]
    TooLong {
        /// Its length.
        chars: usize,
        /// The limit.
        limit: usize,
    },
    /// Not base64url: cut, or changed.
    #[error("the link is damaged (cut or changed?): {0}")]
    NotBase64(String),
    /// Not deflate data, or data that inflates beyond the limit.
    #[error("the link is damaged (cut or changed?), or its report is larger than {limit} bytes")]
    NotDeflate {
        /// The largest report a link may inflate to.
        limit: u64,
    },
}

/// The fragment's value for `json` (without `#r=`).
pub fn encode(json: &[u8]) -> String {
    encode_at(json, LEVEL)
}

/// [`encode`] at deflate `level` (0-10): the page stores its fleet at a fast level, since
/// it does so whenever the files change, and thousands of reports at level 10 take seconds.
pub fn encode_at(json: &[u8], level: u8) -> String {
    URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(
        json,
        level.min(LEVEL),
    ))
}

/// `page_url#r=…` for `json`, or [`LinkError::TooLong`] when it would not fit.
pub fn link(page_url: &str, json: &[u8]) -> Result<String, LinkError> {
    let value = encode(json);
    let chars = FRAGMENT_KEY.len() + value.len();
    if chars > MAX_LINK_CHARS {
        return Err(LinkError::TooLong {
            chars,
            limit: MAX_LINK_CHARS,
        });
    }
    let base = page_url.split('#').next().unwrap_or(page_url);
    Ok(format!("{base}#{FRAGMENT_KEY}{value}"))
}

/// The JSON a link's fragment carries (`#r=…`, with or without the `#`).
pub fn decode(fragment: &str) -> Result<Vec<u8>, LinkError> {
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
    let value = fragment
        .strip_prefix(FRAGMENT_KEY)
        .ok_or(LinkError::NoReport)?;
    if fragment.len() > MAX_LINK_CHARS {
        return Err(LinkError::TooLong {
            chars: fragment.len(),
            limit: MAX_LINK_CHARS,
        });
    }
    inflate(value)
}

/// What [`encode`] made `value` of, whatever its length, inflated to at most
/// [`MAX_BUNDLE_BYTES`]: for the page's own storage, which is no link.
pub fn inflate(value: &str) -> Result<Vec<u8>, LinkError> {
    let deflated = URL_SAFE_NO_PAD
        .decode(value.trim_end_matches('='))
        .map_err(|e| LinkError::NotBase64(e.to_string()))?;
    let limit = MAX_BUNDLE_BYTES;
    miniz_oxide::inflate::decompress_to_vec_with_limit(&deflated, limit as usize)
        .map_err(|_| LinkError::NotDeflate { limit })
}

#[cfg(test)]
mod tests {
    use super::*;

    const H200: &str = include_str!("../../www/examples/capability_report_gpu-h200.json");

    #[test]
    fn a_report_goes_through_a_link_unchanged() {
        let url = link(PAGE_URL, H200.as_bytes()).unwrap();
        let (base, fragment) = url.split_once('#').unwrap();
        assert_eq!(base, PAGE_URL);
        assert!(
            fragment.len() < H200.len(),
            "compressed: {}",
            fragment.len()
        );
        assert!(
            fragment[2..]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        );
        assert_eq!(decode(&format!("#{fragment}")).unwrap(), H200.as_bytes());
        // A base with a fragment of its own loses it.
        assert!(
            link("http://127.0.0.1:8/#x", b"{}")
                .unwrap()
                .starts_with("http://127.0.0.1:8/#r=")
        );
    }

    #[test]
    fn bad_links_say_what_is_wrong() {
        let good = encode(H200.as_bytes());
        assert_eq!(decode("#x=abc"), Err(LinkError::NoReport));
        assert_eq!(decode(""), Err(LinkError::NoReport));
        assert!(matches!(decode("#r=a*b"), Err(LinkError::NotBase64(_))));
        let cut = format!("r={}", &good[..good.len() / 2]);
        assert!(matches!(
            decode(&cut),
            Err(LinkError::NotDeflate { .. } | LinkError::NotBase64(_))
        ));
        let long = format!("r={}", "A".repeat(MAX_LINK_CHARS));
        assert!(matches!(decode(&long), Err(LinkError::TooLong { .. })));
        let huge = vec![b' '; MAX_LINK_CHARS * 64];
        assert!(matches!(
            link(PAGE_URL, &huge),
            Ok(_) | Err(LinkError::TooLong { .. })
        ));
    }

    #[test]
    fn a_link_cannot_inflate_past_the_bundle_limit() {
        // 33 MiB of spaces deflate to a few tens of KiB: a bomb for a naive reader.
        let bomb = vec![b' '; (MAX_BUNDLE_BYTES + (1 << 20)) as usize];
        let fragment = format!("r={}", encode(&bomb));
        assert!(fragment.len() <= MAX_LINK_CHARS, "{}", fragment.len());
        assert_eq!(
            decode(&fragment),
            Err(LinkError::NotDeflate {
                limit: MAX_BUNDLE_BYTES
            })
        );
    }
}
