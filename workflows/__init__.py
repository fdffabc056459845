"""State machines and pure rules of the domain. Nothing here imports Flask or SQLAlchemy."""
