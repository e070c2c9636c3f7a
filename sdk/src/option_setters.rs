//! `option_setters!`: the setters of the single-call builders (`generate_image`,
//! `generate_speech`, `transcribe`, `embed`, `rerank`) and of the providers' settings types
//! (`connection_setters!`, a region, a team...), each storing its argument in a field of
//! the builder (usually of its `options`), as given or wrapped in `Some`, converted by `Into`
//! where the setter takes `impl Into<T>`.

/// Builder setters, one per line: `name(Type) => path;` stores the value, `=> Some(path);` stores
/// `Some(value)`, and `name(impl Into<Type>)` converts it first; `path` is a field path from
/// `self` (`options.voice`).
#[allow(unused_macros)] // A build with only `mcp` has no builder or settings type.
macro_rules! option_setters {
    () => {};
    ($(#[$doc:meta])* $name:ident(impl Into<$type:ty>) => Some($($field:ident).+); $($rest:tt)*) => {
        $(#[$doc])*
        pub fn $name(mut self, value: impl Into<$type>) -> Self {
            self.$($field).+ = Some(value.into());
            self
        }

        $crate::option_setters::option_setters!($($rest)*);
    };
    ($(#[$doc:meta])* $name:ident(impl Into<$type:ty>) => $($field:ident).+; $($rest:tt)*) => {
        $(#[$doc])*
        pub fn $name(mut self, value: impl Into<$type>) -> Self {
            self.$($field).+ = value.into();
            self
        }

        $crate::option_setters::option_setters!($($rest)*);
    };
    ($(#[$doc:meta])* $name:ident($type:ty) => Some($($field:ident).+); $($rest:tt)*) => {
        $(#[$doc])*
        pub fn $name(mut self, value: $type) -> Self {
            self.$($field).+ = Some(value);
            self
        }

        $crate::option_setters::option_setters!($($rest)*);
    };
    ($(#[$doc:meta])* $name:ident($type:ty) => $($field:ident).+; $($rest:tt)*) => {
        $(#[$doc])*
        pub fn $name(mut self, value: $type) -> Self {
            self.$($field).+ = value;
            self
        }

        $crate::option_setters::option_setters!($($rest)*);
    };
}

#[allow(unused_imports)]
pub(crate) use option_setters;
