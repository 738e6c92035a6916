//! [`Shared`]: an immutable value behind an `Rc` that compares by identity, so that Yew props
//! holding a 10,000-row fleet compare in constant time.

use std::ops::Deref;
use std::rc::Rc;

/// An immutable shared value. The reducer never mutates one in place: every change makes a new
/// `Shared`, so two handles are equal exactly when they are the same allocation.
#[derive(Debug, Default)]
pub struct Shared<T>(Rc<T>);

impl<T> Shared<T> {
    /// Wraps a value.
    pub fn new(value: T) -> Self {
        Shared(Rc::new(value))
    }
}

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(Rc::clone(&self.0))
    }
}

impl<T> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl<T> Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_only_to_clones_of_itself() {
        let a = Shared::new(vec![1, 2]);
        let b = Shared::new(vec![1, 2]);
        assert_eq!(a, a.clone());
        assert_ne!(a, b, "equal contents in two allocations are two values");
    }
}
