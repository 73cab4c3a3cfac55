//! Building blocks of the pages.

pub mod combobox;
pub mod dialogs;
pub mod email;
pub mod error_view;
pub mod focus;
pub mod frame;
pub mod leave_guard;
pub mod pagination;
pub mod pick_filter;
pub mod role_chips;
pub mod row_menu;
pub mod tabs;
pub mod title;
