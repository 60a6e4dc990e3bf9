"""Built-in datasets. Each module is imported only when a catalog entry uses one of its
types, so pandas, pyarrow and friends load lazily."""

__all__: list[str] = []
