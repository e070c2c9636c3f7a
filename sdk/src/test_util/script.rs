//! The machinery every mock model shares: outcomes scripted in order and the calls recorded.
//!
//! A mock holds one [`Script`] per method it answers (the language model has one for
//! `do_generate` and one for `do_stream`), and gives an unscripted call its own default answer
//! (an echo of the input, or an error) when the script has run out. A mock with nothing but a
//! script (speech, transcription, reranking) is declared with [`scripted_mock!`], so that its
//! file says only what is its own: the model kind, its id and the unscripted answer.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;

use crate::error::Result;

/// Scripted outcomes of `Response`, played first in, first out (each optionally after a delay
/// on the tokio clock), and the `Call`s received, in order.
pub(crate) struct Script<Response, Call = ()> {
    outcomes: Mutex<VecDeque<Scripted<Response>>>,
    calls: Mutex<Vec<Call>>,
}

struct Scripted<Response> {
    delay: Option<Duration>,
    outcome: Result<Response>,
}

impl<Response, Call> std::fmt::Debug for Script<Response, Call> {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let scripted = self.outcomes.lock().map_or(0, |outcomes| outcomes.len());
        let calls = self.calls.lock().map_or(0, |calls| calls.len());
        formatter.debug_struct("Script").field("scripted", &scripted).field("calls", &calls).finish()
    }
}

impl<Response, Call> Default for Script<Response, Call> {
    fn default() -> Self {
        Script { outcomes: Mutex::default(), calls: Mutex::default() }
    }
}

impl<Response, Call: Clone> Script<Response, Call> {
    /// Adds an outcome at the end of the script.
    pub(crate) fn push(&self, outcome: Result<Response>) {
        self.push_delayed(None, outcome);
    }

    /// Adds an outcome given after a delay.
    pub(crate) fn push_delayed(&self, delay: Option<Duration>, outcome: Result<Response>) {
        self.outcomes.lock().expect("mock state").push_back(Scripted { delay, outcome });
    }

    /// Records a call; returns its index (0 for the first).
    pub(crate) fn record(&self, call: &Call) -> usize {
        let mut calls = self.calls.lock().expect("mock state");
        calls.push(call.clone());
        calls.len() - 1
    }

    /// The next scripted outcome, after its delay; `None` when the script has run out.
    pub(crate) async fn next(&self) -> Option<Result<Response>> {
        let scripted = self.outcomes.lock().expect("mock state").pop_front()?;
        if let Some(delay) = scripted.delay {
            tokio::time::sleep(delay).await;
        }
        Some(scripted.outcome)
    }

    /// Records a call and takes the next scripted outcome; or, when none is left, answers with
    /// `unscripted(index of the call)`.
    pub(crate) async fn answer(&self, call: &Call, unscripted: impl FnOnce(usize) -> Result<Response>) -> Result<Response> {
        let index = self.record(call);
        match self.next().await {
            Some(outcome) => outcome,
            None => unscripted(index),
        }
    }

    /// The calls received so far, in order.
    pub(crate) fn calls(&self) -> Vec<Call> {
        self.calls.lock().expect("mock state").clone()
    }

    /// How many calls were received.
    pub(crate) fn call_count(&self) -> usize {
        self.calls.lock().expect("mock state").len()
    }
}

/// The public methods of a mock whose `script` field (a [`Script`] of `$response` and `$call`)
/// answers its one model method: `with_response`, `with_error` and `calls`.
macro_rules! script_methods {
    ($response:ty, $call:ty) => {
        /// Scripts the next answer.
        pub fn with_response(self, response: $response) -> Self {
            self.script.push(Ok(response));
            self
        }

        /// Scripts the next call to fail.
        pub fn with_error(self, error: $crate::error::Error) -> Self {
            self.script.push(Err(error));
            self
        }

        /// The options of every call, in order.
        pub fn calls(&self) -> Vec<$call> {
            self.script.calls()
        }
    };
}

pub(crate) use script_methods;

/// Defines a mock model whose only state is its [`Script`]: the struct (`Debug`, `Clone`,
/// `Default`), `new`, the [`script_methods!`], and the model trait, whose one method records the
/// call and takes the next scripted outcome, or else answers `$unscripted(options, call index)`.
macro_rules! scripted_mock {
    (
        $(#[$doc:meta])*
        $name:ident: $model:ident::$method:ident($options:ty) -> $response:ty,
        model_id: $model_id:literal,
        unscripted: $unscripted:expr $(,)?
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Default)]
        pub struct $name {
            script: std::sync::Arc<$crate::test_util::script::Script<$response, $options>>,
        }

        impl $name {
            /// A mock with nothing scripted.
            pub fn new() -> Self {
                Self::default()
            }

            $crate::test_util::script::script_methods!($response, $options);
        }

        #[async_trait::async_trait]
        impl $model for $name {
            fn provider(&self) -> &str {
                "mock"
            }

            fn model_id(&self) -> &str {
                $model_id
            }

            async fn $method(&self, options: &$options) -> $crate::error::Result<$response> {
                self.script.answer(options, |call| ($unscripted)(options, call)).await
            }
        }
    };
}

pub(crate) use scripted_mock;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;

    #[tokio::test(start_paused = true)]
    async fn plays_outcomes_in_order_then_the_unscripted_answer() {
        let script = Script::<&str, u32>::default();
        script.push(Ok("one"));
        script.push_delayed(Some(Duration::from_secs(5)), Err(Error::invalid_argument("x", "two")));
        let started = tokio::time::Instant::now();
        assert_eq!(script.answer(&10, |_| Ok("default")).await.unwrap(), "one");
        assert!(script.answer(&20, |_| Ok("default")).await.is_err());
        assert_eq!(started.elapsed(), Duration::from_secs(5));
        assert_eq!(script.answer(&30, |index| Ok(if index == 2 { "third" } else { "?" })).await.unwrap(), "third");
        assert_eq!((script.calls(), script.call_count()), (vec![10, 20, 30], 3));
    }
}
