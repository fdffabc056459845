"""The API's resources, one module each (views and serialisers side by side), imported in the
order the description lists them. Every operation is a thin view over the services the pages
use: the same policies, the same workflow, the same validation; nothing is decided twice."""

# Importing a module registers its operations, in this order (so not sorted).
# ruff: noqa: I001
from app.api import cycles, submissions, projects, benefits, transitions  # noqa: F401
from app.api import questions, dataset, description  # noqa: F401
