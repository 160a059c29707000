//! The stack on which reverse mode records values its adjoint sweep needs but that the
//! forward sweep overwrites (the values of a loop body, once per iteration).

/// A last-in, first-out stack of recorded values. `new` allocates nothing, so a function
/// whose loops record nothing allocates nothing; a `for` loop reserves room for its
/// iterations up front.
#[derive(Debug, Clone, Default)]
pub struct Tape<T> {
    items: Vec<T>,
}

impl<T: Copy> Tape<T> {
    /// An empty tape; does not allocate.
    #[inline]
    pub const fn new() -> Self {
        Tape { items: Vec::new() }
    }

    /// Records `value`.
    #[inline]
    pub fn push(&mut self, value: T) {
        self.items.push(value);
    }

    /// Takes back the value recorded last.
    ///
    /// # Panics
    /// If the tape is empty, which would be a bug in the generated code.
    #[inline]
    pub fn pop(&mut self) -> T {
        match self.items.pop() {
            Some(v) => v,
            None => underflow(),
        }
    }

    /// Records the contents of a buffer (a call's buffer argument, which the forward sweep
    /// overwrites later but the callee's reverse companion reads).
    #[inline]
    pub fn push_slice(&mut self, values: &[T]) {
        self.items.extend_from_slice(values);
    }

    /// Takes back the contents recorded last by `push_slice` into the buffer they came from.
    ///
    /// # Panics
    /// If fewer than `into.len()` values are recorded (a bug in the generated code).
    #[inline]
    pub fn pop_into(&mut self, into: &mut [T]) {
        let Some(start) = self.items.len().checked_sub(into.len()) else {
            underflow()
        };
        into.copy_from_slice(&self.items[start..]);
        self.items.truncate(start);
    }

    /// Makes room for `additional` more values.
    #[inline]
    pub fn reserve(&mut self, additional: usize) {
        self.items.reserve(additional);
    }

    /// The number of values recorded.
    #[inline]
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether nothing is recorded.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

/// Out of the hot path of `pop`.
#[cold]
#[inline(never)]
fn underflow() -> ! {
    panic!("ad: reverse sweep popped an empty tape (a bug in #[differentiate])")
}

#[cfg(test)]
mod tests {
    use super::Tape;

    #[test]
    fn last_in_first_out() {
        let mut t = Tape::new();
        assert!(t.is_empty());
        t.reserve(3);
        for v in [1.0, 2.0, 3.0] {
            t.push(v);
        }
        assert_eq!(t.len(), 3);
        assert_eq!([t.pop(), t.pop(), t.pop()], [3.0, 2.0, 1.0]);
        assert!(t.is_empty());
    }

    #[test]
    fn slices_come_back_whole_and_in_order() {
        let mut t = Tape::new();
        t.push_slice(&[1.0, 2.0]);
        t.push_slice(&[3.0, 4.0, 5.0]);
        let mut b = [0.0; 3];
        t.pop_into(&mut b);
        assert_eq!(b, [3.0, 4.0, 5.0]);
        let mut a = [0.0; 2];
        t.pop_into(&mut a);
        assert_eq!(a, [1.0, 2.0]);
        assert!(t.is_empty());
    }

    #[test]
    #[should_panic(expected = "empty tape")]
    fn popping_more_than_was_pushed_panics() {
        let mut t = Tape::new();
        t.push_slice(&[1.0]);
        t.pop_into(&mut [0.0; 2]);
    }

    #[test]
    #[should_panic(expected = "empty tape")]
    fn popping_an_empty_tape_panics() {
        Tape::<f64>::new().pop();
    }
}
