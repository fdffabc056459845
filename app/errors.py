class FieldErrors(Exception):
    """A change refused because of its input: messages keyed by the field they belong to."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))
        self.errors = errors
