//! The app's views, one per route.

pub mod audit;
pub mod group_page;
pub mod groups_list;
pub mod lazy;
pub mod no_access;
pub mod not_found;
pub mod sign_in;
pub mod user_form;
pub mod users_list;
