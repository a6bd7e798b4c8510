//! Headless mode: the patch ops as plain JavaScript objects, for hosts that own their DOM (React, Vue, Svelte).
//!
//! A host passes `onPatch(ops)` and gets arrays of objects such as `{ op: "createElement", id: 3, tag: "p" }`;
//! id 0 is the host's container. The shapes are `PatchOp` in `rillmark.d.ts`, serialised by [`super::js::ops_js`].

use std::cell::{Cell, RefCell};

use js_sys::Function;
use wasm_bindgen::JsValue;

use super::js::ops_js;
use crate::patch::PatchOp;

/// The host's `onPatch` and the ops waiting for it.
pub struct HostOps {
    callback: Function,
    pending: RefCell<Vec<PatchOp>>,
    dispatching: Cell<bool>,
}

impl HostOps {
    pub fn new(callback: Function) -> HostOps {
        HostOps { callback, pending: RefCell::new(Vec::new()), dispatching: Cell::new(false) }
    }

    pub fn push(&self, ops: Vec<PatchOp>) {
        let mut pending = self.pending.borrow_mut();
        if pending.is_empty() {
            *pending = ops;
        } else {
            pending.extend(ops);
        }
    }

    /// Hands the pending ops to `onPatch`, a batch per call, in order. A call into the renderer from `onPatch` that
    /// renders again adds to the pending ops; the running dispatch hands them on after the current batch returns.
    /// An exception `onPatch` throws is ignored (rendering goes on).
    pub fn dispatch(&self) {
        if self.dispatching.replace(true) {
            return;
        }
        loop {
            let ops = std::mem::take(&mut *self.pending.borrow_mut());
            if ops.is_empty() {
                break;
            }
            let _ = self.callback.call1(&JsValue::NULL, &ops_js(&ops));
        }
        self.dispatching.set(false);
    }
}
