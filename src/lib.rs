//! mixplan app: the Leptos (CSR) front end over `mixplan-core`.
