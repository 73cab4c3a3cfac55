//! Where focus lands when a view hands back to the Users list: the form
//! names the element (after Save, the saved user's name; after Cancel,
//! their row's "Edit"), and the list focuses it once its rows are painted —
//! or its heading when that user is not on the page.

use leptos::prelude::*;
use users_api::UserId;

/// The element the Users list focuses after its next rows, if any.
#[derive(Clone, Copy)]
pub struct ListFocus(StoredValue<Option<String>>);

/// The id of a row's name cell (a row header, focusable by script).
pub fn row_name_id(id: UserId) -> String {
    format!("user-{id}-name")
}

/// The id of a row's "Edit" link.
pub fn row_edit_id(id: UserId) -> String {
    format!("user-{id}-edit")
}

impl ListFocus {
    pub fn new() -> Self {
        ListFocus(StoredValue::new(None))
    }

    /// Asks the list to focus the element `id` after its next rows.
    pub fn set(&self, id: String) {
        self.0.set_value(Some(id));
    }

    /// The element asked for, once (taking it clears it).
    pub fn take(&self) -> Option<String> {
        self.0.try_update_value(Option::take).flatten()
    }
}

impl Default for ListFocus {
    fn default() -> Self {
        Self::new()
    }
}

pub fn use_list_focus() -> ListFocus {
    expect_context::<ListFocus>()
}
