//! Arbitrary UTF-8 at arbitrary splits through `IncrementalMarkdown` (render after each piece, then finish) into
//! `HtmlRecorder`: never panics, the final HTML equals the one-shot render, the ops are valid. See
//! `src/properties.rs`.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../src/properties.rs"]
mod properties;

fuzz_target!(|data: &[u8]| {
    let (cuts, rest) = properties::cuts_and_rest(data);
    let Some((&options, text)) = rest.split_first() else { return };
    let Ok(text) = std::str::from_utf8(text) else { return };
    if let Err(why) = properties::check_markdown(text, &cuts, options) {
        panic!("{why}");
    }
});
