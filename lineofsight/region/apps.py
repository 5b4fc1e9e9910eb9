from django.apps import AppConfig


class RegionConfig(AppConfig):
    """Regional benchmarking: the council's snapshot exported pseudonymised for pooling, and the
    indicator catalogue run over several councils' pooled exports, on DuckDB or on Spark."""

    name = "lineofsight.region"
    label = "region"
    verbose_name = "Regional benchmarking"
