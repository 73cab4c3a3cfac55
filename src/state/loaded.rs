//! `LocalResource`, compiled once. Each `LocalResource::new` call site
//! instantiates the async-derived machinery for its own fetcher and value
//! types (~3–5 KB of wasm each); [`Loaded`] keeps one erased
//! `LocalResource<Rc<dyn Any>>` underneath and restores the type on read,
//! so every resource in the app shares one copy. Reads track and suspend
//! exactly as the `LocalResource` does (Suspense/Transition see it).

use std::any::Any;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::rc::Rc;

use leptos::prelude::*;

type Erased = Rc<dyn Any>;
type ErasedFetch = Box<dyn Fn() -> Pin<Box<dyn Future<Output = Erased>>>>;

/// A local resource of `T`, reloaded when what its fetcher reads changes.
pub struct Loaded<T> {
    inner: LocalResource<Erased>,
    ty: PhantomData<fn() -> T>,
}

impl<T> Clone for Loaded<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Loaded<T> {}

impl<T: Clone + 'static> Loaded<T> {
    /// Like `LocalResource::new`: `fetch` runs tracked (its reads are the
    /// resource's inputs) and returns the future of the value.
    pub fn new<Fut>(fetch: impl Fn() -> Fut + 'static) -> Self
    where
        Fut: Future<Output = T> + 'static,
    {
        let fetch: ErasedFetch = Box::new(move || {
            let future = fetch();
            Box::pin(async move { Rc::new(future.await) as Erased })
        });
        Loaded {
            inner: erased(fetch),
            ty: PhantomData,
        }
    }

    /// Reads the value (`None` while loading the first time), tracked.
    pub fn with<R>(&self, f: impl FnOnce(&Option<T>) -> R) -> R {
        let value = self.inner.with(|v| v.as_ref().map(typed::<T>).cloned());
        f(&value)
    }

    /// The value (`None` while loading the first time), tracked.
    pub fn get(&self) -> Option<T> {
        self.inner.with(|v| v.as_ref().map(typed::<T>).cloned())
    }

    /// Loads again with the same inputs.
    pub fn refetch(&self) {
        self.inner.refetch();
    }
}

fn typed<T: 'static>(value: &Erased) -> &T {
    value
        .downcast_ref::<T>()
        .expect("a Loaded<T> only ever holds a T")
}

#[inline(never)]
fn erased(fetch: ErasedFetch) -> LocalResource<Erased> {
    LocalResource::new(fetch)
}
