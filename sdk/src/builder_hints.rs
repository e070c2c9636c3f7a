//! Compiler errors that say what to write when a builder is read as if it were its result:
//! `generate_text(..)` without `.await`, `stream_text(..)` without `.start()`.
//!
//! Each result method's name is also a hidden method of the builder, callable only for an output
//! type that implements one of the traits below, which none does. Calling it fails with the
//! trait's message ("add `.await`", "add `.start()`") instead of a bare "no method named `text`".

use std::convert::Infallible;

#[diagnostic::on_unimplemented(
    message = "`generate_text(..)` is a builder: add `.await` to run it, then read the result: `generate_text(model).prompt(..).await?.text()`",
    label = "the builder, not yet awaited"
)]
/// Implemented by no type: the bound on a `generate_text(..)` builder's hidden result methods,
/// whose error message says to await the builder first.
///
/// ```compile_fail,E0277
/// # async fn answer(model: specai::test_util::MockLanguageModel) {
/// // error: `generate_text(..)` is a builder: add `.await` ...
/// let text = specai::generate_text(model).prompt("Hi").text();
/// # }
/// ```
pub trait AwaitTheBuilderFirst {
    /// Never called: no type implements the trait.
    fn unreachable(&self) -> Infallible;
}

#[diagnostic::on_unimplemented(
    message = "`stream_text(..)` is a builder: add `.start()` for its result: `stream_text(model).prompt(..).start().text_stream()` (or `.into_text_stream()` for an owned stream)",
    label = "the builder, not yet started"
)]
/// Implemented by no type: the bound on a `stream_text(..)` builder's hidden result methods,
/// whose error message says to start the stream first.
///
/// ```compile_fail,E0277
/// # fn read(model: specai::test_util::MockLanguageModel) {
/// // error: `stream_text(..)` is a builder: add `.start()` ...
/// let stream = specai::stream_text(model).prompt("Hi").text_stream();
/// # }
/// ```
pub trait StartTheBuilderFirst {
    /// Never called: no type implements the trait.
    fn unreachable(&self) -> Infallible;
}

/// Declares the hidden result-method names on a builder (whose output type is `O`, in field
/// `output`), each bound by `$hint`.
macro_rules! result_method_hints {
    ($hint:path: $($name:ident),+ $(,)?) => {
        $(
            #[doc(hidden)]
            pub fn $name(self) -> std::convert::Infallible
            where
                O: $hint,
            {
                self.output.unreachable()
            }
        )+
    };
}
pub(crate) use result_method_hints;
