//! Stage ⑥ (wasm32 only). (Being implemented.)
