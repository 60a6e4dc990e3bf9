"""The project's pipelines, one package each."""
