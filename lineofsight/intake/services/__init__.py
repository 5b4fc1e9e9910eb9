"""Every write of the intake app: imports and the record each one keeps (a package: `options`
what an import is given, `runs` the record, `execute` one import's phases, `census` the
workforce census beside casework, `sources` the entry points, `uploaded` the Imports page's).

An import is too long for one database transaction: its ImportRun is written as it goes so the
Imports page can show progress. The step that changes what pages read (registering the new
snapshot, renaming its file into place and marking the run succeeded) is one transaction.

Entry points:
- ssd_extract_import(directory=...)       a folder of SSD CSV files
- annex_a_import(path=...)                an Ofsted Annex A workbook, via intake.annex_a
- parsed_extract_import(extract=...)      rows any reader produced, as a ParsedExtract
- cin_census_import(path=...)             a DfE children in need census return (XML)
- ssda903_import(path=...)                a DfE children looked after return (CSV tables or XML)
- returns_import(cin=..., ssda903=...)    the returns together, with a workforce census and
                                          case notes
- csww_import(path=...)                   a DfE workforce census (CSWW) XML return, added to
                                          the current snapshot's casework (intake.csww)
- uploaded_import_run(run=..., upload=...) the Imports page's background work
Each returns the ImportRun; data problems make it FAILED (never an exception). An unexpected
failure (a full disk, a bug) marks the run FAILED and is raised again.
"""

from .census import NoSnapshotForCensus
from .execute import run_import
from .options import GateMode, ImportOptions, Prepared, Progress
from .runs import (
    ImportAlreadyRunning,
    ImportNotReviewable,
    import_run_create,
    import_run_discard,
    import_run_finish,
    import_run_publish,
    import_run_record_files,
    import_run_set_progress,
    import_runs_close_interrupted,
    report_path_for,
    work_dir_for,
)
from .sources import (
    NoReturns,
    annex_a_import,
    cin_census_import,
    csww_import,
    parsed_extract_import,
    returns_import,
    ssd_extract_import,
    ssda903_import,
)
from .uploaded import (
    UPLOADED_IMPORT,
    uploaded_import_run,
    uploaded_import_start,
    uploaded_import_work,
)

__all__ = [
    "UPLOADED_IMPORT",
    "GateMode",
    "ImportAlreadyRunning",
    "ImportNotReviewable",
    "ImportOptions",
    "NoReturns",
    "NoSnapshotForCensus",
    "Prepared",
    "Progress",
    "annex_a_import",
    "cin_census_import",
    "csww_import",
    "import_run_create",
    "import_run_discard",
    "import_run_finish",
    "import_run_publish",
    "import_run_record_files",
    "import_run_set_progress",
    "import_runs_close_interrupted",
    "parsed_extract_import",
    "report_path_for",
    "returns_import",
    "run_import",
    "ssd_extract_import",
    "ssda903_import",
    "uploaded_import_run",
    "uploaded_import_start",
    "uploaded_import_work",
    "work_dir_for",
]
