//! Turning a model argument into the shared `Arc<dyn ...Model>` that the builders hold.
//!
//! Each builder's `Into...Model` trait has one blanket impl for every model, and since
//! `specai-provider` implements the model traits for `Arc<M>`, that includes `Arc<dyn ...Model>`
//! (the registries' answer). Wrapping that in a second `Arc` would add a hop and a boxed future to
//! every call, so [`share`] hands an `Arc<dyn ...Model>` back as it is and wraps anything else.

use std::any::Any;
use std::sync::Arc;

/// `model` itself when it already is an `Arc<T>`, else `wrap(model)`.
pub(crate) fn share<M: 'static, T: ?Sized + 'static>(model: M, wrap: impl FnOnce(M) -> Arc<T>) -> Arc<T> {
    let mut slot = Some(model);
    match (&mut slot as &mut dyn Any).downcast_mut::<Option<Arc<T>>>() {
        Some(shared) => shared.take().expect("the slot is full"),
        None => wrap(slot.expect("the slot is full")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_arc_of_the_target_type_is_handed_back_unwrapped() {
        let shared: Arc<dyn std::fmt::Debug + Send + Sync> = Arc::new(7_u8);
        let again = share(shared.clone(), |value| Arc::new(value) as Arc<dyn std::fmt::Debug + Send + Sync>);
        assert!(Arc::ptr_eq(&shared, &again));
        let wrapped = share(7_u8, |value| Arc::new(value) as Arc<dyn std::fmt::Debug + Send + Sync>);
        assert_eq!(format!("{wrapped:?}"), "7");
    }
}
