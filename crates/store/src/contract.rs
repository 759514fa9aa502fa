//! contract placeholder
