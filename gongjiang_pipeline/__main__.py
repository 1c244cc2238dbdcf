import gc

from .cli import main
from .gcpause import freeze_loaded_data

# A build keeps tens of thousands of parsed records, pages and site-model objects
# alive for its whole run and frees little; with the default thresholds (700, 10, 10)
# the cyclic collector rescans all of them again and again (about 1 s of a 6 s
# rebuild of the 10,000-candidate bench project). Like mypy's main, collect far less
# often: the process is short-lived and its garbage is mostly freed by refcounting.
# Only the command-line process is tuned; importing the package changes nothing.
gc.set_threshold(200_000, 30, 30)
freeze_loaded_data()  # this process keeps the data it loads until it ends (gcpause.py)

raise SystemExit(main())
