"""Privacy duties (docs/privacy.md): the retention period of surveys, and one contact's data exported or
erased. Services only: the CLI, a scheduled job and a back-office page call them."""
