//! LLM-shaped markdown (the fuzzer's bytes are the generator's decisions) at arbitrary splits through
//! `IncrementalMarkdown` into `HtmlRecorder`, every render checked: see `check_generated_markdown` in
//! `src/properties.rs`.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../src/properties.rs"]
mod properties;

fuzz_target!(|data: &[u8]| {
    if let Err(why) = properties::check_generated_markdown(data) {
        panic!("{why}");
    }
});
