//! End-to-end tests: the real app, driven through WebDriver under Xvfb.
