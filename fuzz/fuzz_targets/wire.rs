//! Arbitrary bytes at arbitrary splits through ① decode → ② every framer → ③ every dialect: never panics, and
//! every stage's output is the same for the split input as for the whole. See `src/properties.rs`.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../src/properties.rs"]
mod properties;

fuzz_target!(|data: &[u8]| {
    let (cuts, body) = properties::cuts_and_rest(data);
    if let Err(why) = properties::check_wire(body, &cuts) {
        panic!("{why}");
    }
});
