//! One copy of each text that many records repeat (a rule's peer, a finding's title).

use arcstr::ArcStr;
use std::collections::{HashMap, HashSet};
use std::hash::Hash;
use std::sync::Arc;

/// Texts seen so far; [`TextPool::share`] points a text at the first copy of it.
#[derive(Default)]
pub struct TextPool {
    seen: HashSet<ArcStr>,
}

impl TextPool {
    pub fn share(&mut self, text: &mut ArcStr) {
        match self.seen.get(&**text) {
            Some(shared) => *text = shared.clone(),
            None => {
                self.seen.insert(text.clone());
            }
        }
    }
}

/// Shared records that hold the same (rules' grants, groups' placements, lists of tags or
/// detail fields) made one record, whose texts are shared in turn.
pub struct SharedPool<T: ?Sized> {
    /// Each record as found, and the shared record that says the same.
    seen: HashMap<Arc<T>, Arc<T>>,
}

impl<T: ?Sized> Default for SharedPool<T> {
    fn default() -> Self {
        SharedPool {
            seen: HashMap::new(),
        }
    }
}

impl<T: ?Sized + Eq + Hash> SharedPool<T> {
    /// Points `record` at the shared record that says the same, made by `make` the first time.
    pub fn share(&mut self, record: &mut Arc<T>, make: impl FnOnce(&T) -> Arc<T>) {
        if let Some(shared) = self.seen.get(record) {
            *record = shared.clone();
            return;
        }
        let shared = make(record);
        self.seen.insert(record.clone(), shared.clone());
        *record = shared;
    }
}

impl<T: Clone + Eq + Hash> SharedPool<[T]> {
    /// [`SharedPool::share`] for a list, each element's texts shared by `share`.
    pub fn share_list(
        &mut self,
        list: &mut Arc<[T]>,
        texts: &mut TextPool,
        share: impl Fn(&mut T, &mut TextPool),
    ) {
        self.share(list, |list| {
            let mut own = list.to_vec();
            own.iter_mut().for_each(|e| share(e, texts));
            own.into()
        });
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// How many copies of a text the items hold in memory, and how many different texts:
    /// one copy of each when shared.
    pub fn copies_and_texts<T>(items: &[&T], text: fn(&T) -> &str) -> (usize, usize) {
        let mut at: Vec<*const u8> = items.iter().map(|i| text(i).as_ptr()).collect();
        at.sort();
        at.dedup();
        let mut texts: Vec<&str> = items.iter().map(|i| text(i)).collect();
        texts.sort();
        texts.dedup();
        (at.len(), texts.len())
    }

    #[test]
    fn equal_texts_end_as_one_copy_and_different_ones_stay_apart() {
        let mut pool = TextPool::default();
        let mut a: ArcStr = "in tcp 22".into();
        let mut b: ArcStr = "in tcp 22".into();
        let mut c: ArcStr = "in tcp 23".into();
        for t in [&mut a, &mut b, &mut c] {
            pool.share(t);
        }
        assert!(ArcStr::ptr_eq(&a, &b));
        assert!(!ArcStr::ptr_eq(&a, &c));
        assert_eq!(&*c, "in tcp 23");
    }
}
