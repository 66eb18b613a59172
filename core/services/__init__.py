"""Business rules shared by the web forms, the JSON API and the CLI."""
