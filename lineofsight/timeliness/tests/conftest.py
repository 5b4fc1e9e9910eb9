# Every test gets its own data folder for snapshot files, as in the casework tests.
from lineofsight.casework.tests.conftest import data_dir  # noqa: F401
