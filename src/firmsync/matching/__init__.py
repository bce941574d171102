"""Finding the registration behind a typed company name (issue in progress: noise only)."""
